"""`nofu match FILE... --out OUT.csv --review REVIEW.csv` on exchange files, no database.

pytest-django refuses database access in tests not marked for it, so these tests also
prove that the command never touches the database.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

UNIFIED_HEADER = "抽出元,宛名番号,債権番号,科目コード,科目,年度,期別,納期限,調定額,未納額,氏名,氏名カナ,生年月日,性別,国籍,法人区分,郵便番号,住所,方書,電話番号1,電話番号2"
UNIFIED_ROWS = [
    "統一滞納管理,8676169212,U1,13,介護保険料,2025,2,2025-07-31,33900,33900,髙木　達哉,タカギ タツヤ,1989/10/02,男,日本,個人,266-0002,千葉県千葉市緑区平山町3丁目27番24号,,080-5330-6926,043-650-0651",
    "統一滞納管理,8676169212,U2,13,介護保険料,2025,3,2025-08-31,87900,87900,髙木　達哉,タカギ タツヤ,1989/10/02,男,日本,個人,266-0002,千葉県千葉市緑区平山町3丁目27番24号,,043-650-0651,080-5330-6926",
    "統一滞納管理,3230255925,U3,04,軽自動車税（種別割）,R6,4,2024-09-30,44000,44000,福田　眞利,フクダ マリ,1938/04/23,女,日本,個人,260-0813,千葉県千葉市中央区生実町4丁目27番26号,,070-9404-1051,",
]
NHI_HEADER = "抽出元,債権番号,科目コード,科目,年度,期別,納期限,調定額,未納額,氏名,氏名カナ,生年月日,性別,国籍,法人区分,郵便番号,住所,方書,電話番号1,電話番号2"
NHI_ROWS = [
    "国保返納金,K90,11,国民健康保険被保険者返納金,R7,1,2025-06-30,48200,48200,高木達哉,ﾀｶｷﾞ ﾀﾂﾔ,平成元年10月2日,男,日本,個人,,千葉県千葉市緑区平山町３－２７－２４,,08053306926,",
    "国保返納金,K91,11,国民健康保険被保険者返納金,R7,1,2025-06-30,1000,1000,山田　乃聖,ﾔﾏﾀﾞ ﾉｱ,昭和42年4月8日,女,日本,個人,,千葉県千葉市中央区新田町26―20,,(090)7327-0250,",
]


def write(path: Path, header: str, rows: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_match_writes_one_row_per_input_row_and_the_review_pairs(tmp_path: Path) -> None:
    a = write(tmp_path / "統一滞納管理.csv", UNIFIED_HEADER, UNIFIED_ROWS, "cp932")
    b = write(tmp_path / "国保返納金.csv", NHI_HEADER, NHI_ROWS, "utf-8-sig")
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    call_command("match", str(a), str(b), "--out", str(out), "--review", str(review))
    rows = read_csv(out)
    assert [r["債権番号"] for r in rows] == ["U1", "U2", "U3", "K90", "K91"]
    assert list(rows[0]) == ["抽出元", "債権番号", "名寄せ番号"]
    number = {r["債権番号"]: r["名寄せ番号"] for r in rows}
    assert number["U1"] == number["U2"] == number["K90"] == "1"
    assert len({number["U3"], number["K91"], number["U1"]}) == 3
    header = next(csv.reader(review.open(encoding="utf-8-sig")))
    assert (
        header[:4] == ["名寄せ番号1", "名寄せ番号2", "抽出元1", "債権番号1"]
        and header[-1] == "理由"
    )


def test_match_reports_unusable_input_in_japanese(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="ファイルがありません"):
        call_command("match", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o.csv"))
    bad = write(tmp_path / "bad.csv", "抽出元,債権番号", ["国保返納金,K1"], "utf-8")
    with pytest.raises(CommandError, match="列がありません: 氏名"):
        call_command("match", str(bad), "--out", str(tmp_path / "o.csv"))
