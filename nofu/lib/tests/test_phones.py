"""Phone numbers: every common way of writing one gives the same national digits."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from nofu.lib.phones import PhoneError, format_phone, normalize_phone, phone_kind

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "samples"


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("043-212-3456", "0432123456"),
        ("(043)212-3456", "0432123456"),
        ("043(212)3456", "0432123456"),
        ("（043）212-3456", "0432123456"),
        ("０４３－２１２－３４５６", "0432123456"),
        ("043 212 3456", "0432123456"),
        ("043.212.3456", "0432123456"),
        ("0432123456", "0432123456"),
        ("043ー212ー3456", "0432123456"),  # 長音 typed for a hyphen
        ("043‐212‐3456", "0432123456"),
        ("043−212−3456", "0432123456"),
        ("043―212―3456", "0432123456"),
        ("TEL:043-212-3456", "0432123456"),
        ("tel 043-212-3456", "0432123456"),
        ("電話 043-212-3456", "0432123456"),
        ("08053306926", "08053306926"),
        ("080-5330-6926", "08053306926"),
        ("080(5330)6926", "08053306926"),
        ("(080)5330-6926", "08053306926"),
        ("+81 80-5330-6926", "08053306926"),
        ("+818053306926", "08053306926"),
        ("+81 (0)80-5330-6926", "08053306926"),
        ("0081-80-5330-6926", "08053306926"),
        ("8053306926", "08053306926"),  # leading zero lost to Excel
        ("432123456", "0432123456"),
        ("050-1234-5678", "05012345678"),
        ("0120-123-456", "0120123456"),
        ("0800-123-4567", "08001234567"),
        ("03-1234-5678", "0312345678"),
        ("060-1234-5678", "06012345678"),
    ],
)
def test_normalize_phone(raw: str, digits: str) -> None:
    assert normalize_phone(raw) == digits


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_normalize_phone_blank(raw: str | None) -> None:
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "電話番号として読めません"),
        ("043-212-3456 内線12", "電話番号として読めません"),
        ("12345", "桁数が正しくありません"),
        ("043-212-345", "桁数が正しくありません"),
        ("043-212-34567-8", "桁数が正しくありません"),
        ("0000000000", "日本の電話番号として正しくありません"),
        ("070-0951-5978", "日本の電話番号として正しくありません"),  # 070-0 is unallocated
        ("+1 212 555 1234", "日本の電話番号ではありません"),
    ],
)
def test_normalize_phone_rejects_with_a_japanese_message(raw: str, message: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_normalize_phone_raises_again_for_a_cached_bad_value() -> None:
    for _ in range(3):
        with pytest.raises(PhoneError):
            normalize_phone("12345")


def test_lenient_mode_keeps_a_number_of_the_right_shape() -> None:
    assert normalize_phone("070-0951-5978", strict=False) == "07009515978"
    with pytest.raises(PhoneError):
        normalize_phone("12345", strict=False)


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("08053306926", "mobile"),
        ("09073270250", "mobile"),
        ("07051871956", "mobile"),
        ("06012345678", "mobile"),
        ("0432123456", "fixed"),
        ("0312345678", "fixed"),
        ("0436500651", "fixed"),
        ("05012345678", "ip"),
        ("0120123456", "free"),
        ("08001234567", "free"),  # 0800 before 080: these digits are toll-free
        ("0570123456", "other"),
        ("0990123456", "other"),
        ("", "other"),
    ],
)
def test_phone_kind(digits: str, kind: str) -> None:
    assert phone_kind(digits) == kind


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("0432123456", "043-212-3456"),
        ("08053306926", "080-5330-6926"),
        ("0312345678", "03-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("05012345678", "050-1234-5678"),
        # 0436 is 市原's area code: these digits are 0436-50-0651, whatever a file wrote.
        ("0436500651", "0436-50-0651"),
        ("", ""),
        ("12", "12"),
    ],
)
def test_format_phone(digits: str, shown: str) -> None:
    assert format_phone(digits) == shown


def test_format_then_normalize_round_trips() -> None:
    for digits in ("0432123456", "08053306926", "0120123456", "05012345678"):
        assert normalize_phone(format_phone(digits)) == digits


def test_samples_every_number_normalizes_the_same_way() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"samples not found at {SAMPLES}")
    rejected = []
    seen: dict[str, set[str]] = {}
    for path in sorted(SAMPLES.glob("*.csv")):
        data = path.read_bytes()
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp932"
        for row in csv.DictReader(io.StringIO(data.decode(encoding))):
            for column in ("電話番号1", "電話番号2"):
                raw = row[column]
                try:
                    digits = normalize_phone(raw)
                except PhoneError:
                    rejected.append(raw)
                    continue
                if digits:
                    seen.setdefault(digits, set()).add(raw)
    # The one sample number in an unallocated range; every other one is accepted.
    assert set(rejected) == {"070-0951-5978"}
    # 043-650-0651, (043)650-0651, 043(650)0651, ０４３－６５０－０６５１ are one number.
    assert {"043-650-0651", "(043)650-0651", "043(650)0651", "０４３－６５０－０６５１"} <= seen[
        "0436500651"
    ]
    assert {"08053306926", "080(5330)6926", "(080)5330-6926", "080-5330-6926"} <= seen[
        "08053306926"
    ]
