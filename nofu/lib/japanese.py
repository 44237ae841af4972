"""Japanese names and readings: display clean-up and matching keys.

Two families of functions live here. The display ones (`clean_text`, `display_name`,
`display_kana`) keep what the city wrote — kanji are never changed, because a payer's
name on a letter must be spelled the way the register spells it. The key ones
(`kana_key`, `name_key`, `kana_name_key`) fold every difference that the city's systems
introduce without meaning (width, small kana written large, 異体字, corporation forms),
so that the matching engine and the search box can compare with `==`.

Every key function is idempotent (`f(f(x)) == f(x)`) and cached: the importer calls
them on each of a million rows, and names repeat.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import jaconv

__all__ = [
    "CORPORATION_WORDS",
    "GETA",
    "KANA_FOLDS",
    "VARIANT_FOLDS",
    "clean_text",
    "corporation_form",
    "display_kana",
    "display_name",
    "fold_variants",
    "is_corporation_name",
    "is_latin_name",
    "kana_key",
    "kana_name_key",
    "kanji_numeral_to_int",
    "latin_tokens",
    "name_key",
    "romaji_of_kana",
]

GETA = "〓"  # what a CP932 export writes for a character it cannot hold (外字)

_CACHE = 1 << 18
_MAX_PASSES = 8  # fixpoint iterations; real input needs 2, a pathological one a few more
_DATA = Path(__file__).with_name("data")

# --- shared building blocks -------------------------------------------------------

# Stand-alone voiced marks (゛゜ and their half-width forms) become combining marks so
# that NFC/NFKC compose "カ゛" into "ガ"; NFKC alone would turn "゛" into " ゙".
_MARKS_TO_COMBINING = str.maketrans(
    {"\u309b": "\u3099", "\u309c": "\u309a", "\uff9e": "\u3099", "\uff9f": "\u309a"}
)
_COMBINING_MARKS = str.maketrans({"\u3099": None, "\u309a": None})
_COMBINING_TO_SPACING = str.maketrans({"\u3099": "\u309b", "\u309a": "\u309c"})
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SPACES = re.compile(r"\s+")  # str.split semantics: includes U+3000
_HALF_KANA = re.compile("[\uff61-\uff9f]")
_FULL_ALNUM = re.compile("[\uff01-\uff5e\u3000]")


def _nfkc(s: str) -> str:
    """NFKC after composing stand-alone voiced marks onto the kana before them."""
    return unicodedata.normalize("NFKC", s.translate(_MARKS_TO_COMBINING))


# --- display ----------------------------------------------------------------------


@lru_cache(maxsize=_CACHE)
def clean_text(s: str | None) -> str:
    """Tidy a value for display without touching the kanji the city wrote.

    Full NFKC is deliberately not used: it rewrites CJK compatibility ideographs (神 →
    神) and expands ㈱, which would change a registered name. Only width is fixed:
    half-width kana become full-width katakana with voicing composed (ｶﾞ → ガ), full-width
    ASCII becomes ASCII, and runs of spaces of any width become one half-width space.
    """
    if s is None:
        return ""
    if s.isascii():
        return " ".join(s.split())
    if _HALF_KANA.search(s):
        s = jaconv.h2z(s, kana=True)  # composes ｶﾞ → ガ before mapping the rest
    if _FULL_ALNUM.search(s):
        s = jaconv.z2h(s, kana=False, ascii=True, digit=True)
    s = unicodedata.normalize("NFC", s.translate(_MARKS_TO_COMBINING))
    s = s.translate(_COMBINING_TO_SPACING)  # a mark that could not compose stays visible
    return " ".join(s.split())


@lru_cache(maxsize=_CACHE)
def display_name(s: str | None) -> str:
    """Name for pages and letters: family and given name separated by one 「　」.

    Names in the alphabet keep an ASCII space: 「JOHN　SMITH」 would look wrong.
    """
    text = clean_text(s)
    if " " not in text or is_latin_name(text):
        return text
    return text.replace(" ", "\u3000")


@lru_cache(maxsize=_CACHE)
def display_kana(s: str | None) -> str:
    """Reading for display: full-width katakana, parts separated by one 「　」."""
    text = jaconv.hira2kata(clean_text(s))
    return text.replace(" ", "\u3000")


# --- readings (kana) --------------------------------------------------------------

# ヴ with a small vowel is one syllable, folded before small kana are enlarged.
_VU_SYLLABLES = {
    "ヴァ": "バ",
    "ヴィ": "ビ",
    "ヴゥ": "ブ",
    "ヴェ": "ベ",
    "ヴォ": "ボ",
    "ヴュ": "ビュ",
}
_VU_RE = re.compile("ヴ[ァィゥェォュ]")
# Spellings that legacy systems, hand entry and modern kana use interchangeably.
_KANA_FOLD = str.maketrans(
    {
        "ヮ": "ワ",  # not in jaconv's small-kana table
        "ヂ": "ジ",
        "ヅ": "ズ",
        "ヲ": "オ",
        "ヱ": "エ",
        "ヰ": "イ",
        "ヴ": "ブ",
        "ヷ": "バ",
        "ヸ": "ビ",
        "ヹ": "ベ",
        "ヺ": "ボ",
        "ㇰ": "ク",
        "ㇱ": "シ",
        "ㇲ": "ス",
        "ㇳ": "ト",
        "ㇵ": "ハ",
        "ㇷ": "フ",
        "ㇹ": "ホ",
        "ㇻ": "ラ",
        "ㇼ": "リ",
        "ㇽ": "ル",
        "ㇾ": "レ",
        "ㇿ": "ロ",
        # Long-vowel marks as typed on any keyboard or converted by any system.
        "-": "ー",
        "‐": "ー",
        "‑": "ー",
        "‒": "ー",
        "–": "ー",
        "—": "ー",
        "―": "ー",
        "−": "ー",
        "─": "ー",
        "━": "ー",
        "〜": "ー",
        "~": "ー",
        "ｰ": "ー",
    }
)
_KATA_ITERATION = re.compile("[ヽヾ]")
_NOT_KEY_CHAR = re.compile(f"[^\\w{GETA}]|_")  # \w keeps kana, kanji, ー, letters, digits
_LEADING_CHOON = re.compile("^ー+")


def _voiced(ch: str) -> str:
    return unicodedata.normalize("NFC", ch + "\u3099")


def _expand_iteration_marks(s: str) -> str:
    """ヽ/ヾ repeat the kana before them (みすゞ → ミスズ)."""
    out: list[str] = []
    for ch in s:
        if ch in "ヽヾ" and out:
            prev = unicodedata.normalize("NFD", out[-1])[0]
            out.append(_voiced(prev) if ch == "ヾ" else prev)
        else:
            out.append(ch)
    return "".join(out)


def _build_kana_table() -> dict[int, str | None]:
    """hira→kata, small→large and the folds above as one table, for one translate().

    Built from jaconv's own conversions so their tables stay the reference.
    """
    table: dict[int, str | None] = {}
    for cp in [*range(0x3041, 0x3100), *_KANA_FOLD]:
        ch = chr(cp)
        out = jaconv.enlarge_smallkana(jaconv.hira2kata(ch)).translate(_KANA_FOLD)
        if out != ch:
            table[cp] = out
    table[0x3099] = table[0x309A] = None  # a voicing mark that found no kana to join
    return table


_KANA_TABLE = _build_kana_table()
# The same folds as text → text, for callers that fold whole columns at once.
KANA_FOLDS: Mapping[str, str] = MappingProxyType(
    {chr(cp): out for cp, out in _KANA_TABLE.items() if out is not None}
)
_NEEDS_CONTEXT = re.compile("[ゝゞヽヾゔヴ]")  # folds that look at the neighbouring kana
# A key made only of these is a fixpoint of _kana_fold, so the second pass is skipped.
_STABLE_KEY = re.compile(f"[\u30a2-\u30fa\u30fc0-9A-Z{GETA}\u4e00-\u9fff]*")


def _kana_fold(s: str) -> str:
    s = _nfkc(s)
    if _NEEDS_CONTEXT.search(s):
        s = jaconv.hira2kata(s)
        if _KATA_ITERATION.search(s):
            s = _expand_iteration_marks(s)
        s = _VU_RE.sub(lambda m: _VU_SYLLABLES[m.group()], s)
    s = _NOT_KEY_CHAR.sub("", s.translate(_KANA_TABLE)).upper()
    return _LEADING_CHOON.sub("", s)


@lru_cache(maxsize=_CACHE)
def kana_key(s: str | None) -> str:
    """Matching key of a reading: キョウコ, きようこ and ｷｮｳｺ all give キヨウコ.

    Small kana are written large because legacy systems could not store them; ヴ, ヂ,
    ヅ, ヲ, ヱ, ヰ are folded to the letter people use when they type the sound.
    """
    if not s:
        return ""
    key = _kana_fold(s)
    if _STABLE_KEY.fullmatch(key):
        return key
    for _ in range(_MAX_PASSES):  # upper() can un-normalize a few rare letters
        again = _kana_fold(key)
        if again == key:
            break
        key = again
    return key


# --- corporation forms ------------------------------------------------------------

# canonical form → spellings after NFKC and upper-casing (㈱ is already "(株)").
_CORP_KANJI: dict[str, tuple[str, ...]] = {
    "株式会社": ("株式会社", "(株)"),
    "有限会社": ("有限会社", "(有)"),
    "合同会社": ("合同会社", "(同)"),
    "合資会社": ("合資会社", "(資)"),
    "合名会社": ("合名会社", "(名)"),
    "一般社団法人": ("一般社団法人", "(一社)"),
    "一般財団法人": ("一般財団法人", "(一財)"),
    "公益社団法人": ("公益社団法人", "(公社)"),
    "公益財団法人": ("公益財団法人", "(公財)"),
    "医療法人": (
        "医療法人社団",
        "医療法人財団",
        "医療法人(社団)",
        "医療法人(財団)",
        "医療法人",
        "(医)",
    ),
    "社会福祉法人": ("社会福祉法人", "(福)"),
    "特定非営利活動法人": ("特定非営利活動法人", "NPO法人", "(特非)", "(NPO)"),
    "学校法人": ("学校法人", "(学)"),
    "宗教法人": ("宗教法人", "(宗)"),
    "社団法人": ("社団法人", "(社)"),
    "財団法人": ("財団法人", "(財)"),
}
# Spelled-out readings, written after the reading key's folds (small kana large).
_CORP_KANA: dict[str, tuple[str, ...]] = {
    "株式会社": ("カブシキガイシヤ", "カブシキカイシヤ"),
    "有限会社": ("ユウゲンガイシヤ", "ユウゲンカイシヤ"),
    "合同会社": ("ゴウドウガイシヤ", "ゴウドウカイシヤ"),
    "合資会社": ("ゴウシガイシヤ", "ゴウシカイシヤ"),
    "合名会社": ("ゴウメイガイシヤ", "ゴウメイカイシヤ"),
    "一般社団法人": ("イツパンシヤダンホウジン",),
    "一般財団法人": ("イツパンザイダンホウジン",),
    "公益社団法人": ("コウエキシヤダンホウジン",),
    "公益財団法人": ("コウエキザイダンホウジン",),
    "医療法人": ("イリヨウホウジンシヤダン", "イリヨウホウジンザイダン", "イリヨウホウジン"),
    "社会福祉法人": ("シヤカイフクシホウジン",),
    "特定非営利活動法人": ("トクテイヒエイリカツドウホウジン", "エヌピーオーホウジン"),
    "学校法人": ("ガツコウホウジン",),
    "宗教法人": ("シユウキヨウホウジン",),
    "社団法人": ("シヤダンホウジン",),
    "財団法人": ("ザイダンホウジン",),
}
# Bank-style abbreviations (全銀協 略語) as in 「カ)ミドリコウサン」 or 「ミドリ(カ」.
_CORP_KANA_ABBR: dict[str, str] = {
    "カ": "株式会社",
    "ユ": "有限会社",
    "ド": "合同会社",
    "シ": "合資会社",
    "メ": "合名会社",
    "イ": "医療法人",
    "フク": "社会福祉法人",
    "トクヒ": "特定非営利活動法人",
    "ガク": "学校法人",
    "シユウ": "宗教法人",
    "シヤ": "社団法人",
    "ザイ": "財団法人",
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _small_kana_spellings(word: str) -> list[str]:
    """A folded reading as the raw text may also spell it (ヤ written small, ツ small)."""
    out = {word}
    for big, small in (("ヤ", "ャ"), ("ツ", "ッ"), ("ユ", "ュ"), ("ヨ", "ョ")):
        out |= {w.replace(big, small) for w in out}
    return sorted(out)


_CORP_CANON: dict[str, str] = {}
for _canon, _forms in _CORP_KANJI.items():
    for _f in _forms:
        _CORP_CANON[_f] = _canon
for _canon, _forms in _CORP_KANA.items():
    for _f in _forms:
        for _spelling in _small_kana_spellings(_f):
            _CORP_CANON[_spelling] = _canon
_ABBR_SPELLINGS: dict[str, str] = {}
for _abbr, _canon in _CORP_KANA_ABBR.items():
    for _spelling in _small_kana_spellings(_abbr):
        _ABBR_SPELLINGS[_spelling] = _canon

_CORP_WORDS_RE = re.compile(_alternation(list(_CORP_CANON)))
# Every spelling of a corporation form that `corporation_form` and the keys look for.
CORPORATION_WORDS: tuple[str, ...] = tuple(sorted(_CORP_CANON))
_ABBR = _alternation(list(_ABBR_SPELLINGS))
# 「(カ)」 anywhere, 「カ)」 at the start, 「(カ」 at the end.
_CORP_ABBR_RE = re.compile(rf"\((?P<a>{_ABBR})\)|^(?P<b>{_ABBR})\)|\((?P<c>{_ABBR})$")


@lru_cache(maxsize=_CACHE)
def corporation_form(s: str | None) -> str | None:
    """The canonical corporation form in a name or reading (「（株）緑興産」 → 株式会社)."""
    if not s:
        return None
    text = "".join(_nfkc(s).upper().split())
    m = _CORP_ABBR_RE.search(text)
    if m:
        return _ABBR_SPELLINGS[m.group("a") or m.group("b") or m.group("c")]
    m = _CORP_WORDS_RE.search(text)
    if m:
        return _CORP_CANON[m.group()]
    # A reading may be written in hiragana or with small kana, which the regex skips.
    folded = _kana_fold(text)
    m = _CORP_WORDS_RE.search(folded)
    return _CORP_CANON[m.group()] if m else None


def is_corporation_name(s: str | None) -> bool:
    return corporation_form(s) is not None


@lru_cache(maxsize=_CACHE)
def kana_name_key(s: str | None) -> str:
    """Reading key without corporation forms: 「カ)ミドリコウサン」 → ミドリコウサン."""
    if not s:
        return ""
    key, removed = _kana_name_once(s)
    if not removed and _STABLE_KEY.fullmatch(key):
        return key
    for _ in range(_MAX_PASSES):  # a removal can expose another form; stop at the fixpoint
        again, _ = _kana_name_once(key)
        if again == key:
            break
        key = again
    return key


def _kana_name_once(s: str) -> tuple[str, bool]:
    text = "".join(jaconv.hira2kata(_nfkc(s)).upper().split())
    text, n_abbr = _CORP_ABBR_RE.subn("", text)
    key, n_words = _CORP_WORDS_RE.subn("", _kana_fold(text))
    return key, bool(n_abbr or n_words)


# --- written names ----------------------------------------------------------------


def _load_variants() -> dict[int, str]:
    """variant → standard from data/itaiji.tsv, with chains (齊→斉→斎) resolved."""
    pairs: dict[str, str] = {}
    with (_DATA / "itaiji.tsv").open(encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            variant, standard = line.rstrip("\n").split("\t")[:2]
            pairs[variant] = standard
    resolved: dict[int, str] = {}
    for variant in pairs:
        target, seen = pairs[variant], {variant}
        while target in pairs:
            if target in seen:
                raise ValueError(f"itaiji.tsv: cycle through {target}")
            seen.add(target)
            target = pairs[target]
        resolved[ord(variant)] = target
    return resolved


_VARIANTS = _load_variants()
# `fold_variants` as text → text, for callers that fold whole columns at once.
VARIANT_FOLDS: Mapping[str, str] = MappingProxyType({chr(cp): out for cp, out in _VARIANTS.items()})
_NAME_DROP = re.compile("[\\s・.]")
_ITERATION = re.compile("([^々])々")  # 々々 alone has nothing to repeat
_SMALL_KE = str.maketrans({"ヶ": "ケ", "ヵ": "カ"})


def fold_variants(s: str) -> str:
    """Fold 異体字 to one standard form (髙 → 高, 齋 → 斎); one character for one."""
    return s.translate(_VARIANTS)


def _expand_kanji_iteration(s: str) -> str:
    while _ITERATION.search(s):
        s = _ITERATION.sub(r"\1\1", s, count=1)
    return s


def _name_key_once(s: str) -> tuple[str, bool]:
    text = _VARIATION_SELECTORS.sub("", _nfkc(s)).upper()
    text = _NAME_DROP.sub("", text).translate(_COMBINING_MARKS)
    text = fold_variants(text).translate(_SMALL_KE)  # first, so 株式會社 is a form too
    text, n_abbr = _CORP_ABBR_RE.subn("", text)
    text, n_words = _CORP_WORDS_RE.subn("", text)
    if "々" in text:
        text = _expand_kanji_iteration(text)
    return text, bool(n_abbr or n_words)


# Kana, ー, folded kanji, A-Z, digits and 〓: a key made only of these is a fixpoint.
_STABLE_NAME = re.compile(f"[\u3041-\u3096\u30a1-\u30fa\u30fc0-9A-Z{GETA}\u4e00-\u9fff]*")


@lru_cache(maxsize=_CACHE)
def name_key(s: str | None) -> str:
    """Matching key of a written name: 「（株）緑興產」 and 「株式会社 緑興産」 both → 緑興産.

    〓 is kept: it stands for a character the export could not hold, which a matcher
    may treat as a wildcard. Hiragana and katakana are not folded into each other:
    readings are compared through `kana_key`.
    """
    if not s:
        return ""
    key, removed = _name_key_once(s)
    if not removed and _STABLE_NAME.fullmatch(key):
        return key
    for _ in range(_MAX_PASSES):  # a removal can expose another form; stop at the fixpoint
        again, _ = _name_key_once(key)
        if again == key:
            break
        key = again
    return key


# --- names in the alphabet --------------------------------------------------------

_LATIN_NAME = re.compile(r"[A-Z][A-Z .,'\-]*")
_LATIN_TOKEN = re.compile(r"[A-Z0-9]+")
_LATIN_SPECIAL = str.maketrans(
    {"Đ": "D", "Ø": "O", "Ł": "L", "Æ": "AE", "Œ": "OE", "ß": "SS", "Þ": "TH", "ı": "I"}
)


def _ascii_upper(s: str) -> str:
    """Upper-case and drop diacritics: BÙI ĐỨC → BUI DUC, as residence cards print them."""
    text = unicodedata.normalize("NFKD", _nfkc(s).upper().translate(_LATIN_SPECIAL))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=_CACHE)
def is_latin_name(s: str | None) -> bool:
    """True for a name written only in the alphabet (many foreign residents)."""
    if not s:
        return False
    text = _ascii_upper(s).strip()
    return text.isascii() and _LATIN_NAME.fullmatch(text) is not None


def latin_tokens(s: str | None) -> list[str]:
    """Sorted upper-case words, so 「SMITH JOHN」 and 「John Smith」 compare equal.

    Apostrophes join (O'BRIEN → OBRIEN); hyphens, commas and dots separate.
    Returns a new list each call: callers may mutate it without poisoning the cache.
    """
    return list(_latin_tokens(s))


@lru_cache(maxsize=_CACHE)
def _latin_tokens(s: str | None) -> tuple[str, ...]:
    if not s:
        return ()
    text = _ascii_upper(s).replace("'", "").replace("’", "")
    return tuple(sorted(_LATIN_TOKEN.findall(text)))


# --- kana → romaji ----------------------------------------------------------------

_ROMAJI_2: dict[str, str] = {
    "キャ": "KYA", "キュ": "KYU", "キョ": "KYO", "ギャ": "GYA", "ギュ": "GYU", "ギョ": "GYO",
    "シャ": "SHA", "シュ": "SHU", "ショ": "SHO", "シェ": "SHE", "ジャ": "JA", "ジュ": "JU",
    "ジョ": "JO", "ジェ": "JE", "チャ": "CHA", "チュ": "CHU", "チョ": "CHO", "チェ": "CHE",
    "ヂャ": "JA", "ヂュ": "JU", "ヂョ": "JO", "ニャ": "NYA", "ニュ": "NYU", "ニョ": "NYO",
    "ヒャ": "HYA", "ヒュ": "HYU", "ヒョ": "HYO", "ビャ": "BYA", "ビュ": "BYU", "ビョ": "BYO",
    "ピャ": "PYA", "ピュ": "PYU", "ピョ": "PYO", "ミャ": "MYA", "ミュ": "MYU", "ミョ": "MYO",
    "リャ": "RYA", "リュ": "RYU", "リョ": "RYO", "ティ": "TI", "ディ": "DI", "トゥ": "TU",
    "ドゥ": "DU", "テュ": "TYU", "デュ": "DYU", "ファ": "FA", "フィ": "FI", "フェ": "FE",
    "フォ": "FO", "フュ": "FYU", "ウィ": "WI", "ウェ": "WE", "ウォ": "WO", "ヴァ": "VA",
    "ヴィ": "VI", "ヴェ": "VE", "ヴォ": "VO", "ヴュ": "VYU", "ツァ": "TSA", "ツィ": "TSI",
    "ツェ": "TSE", "ツォ": "TSO", "イェ": "YE", "クァ": "KWA", "グァ": "GWA", "スィ": "SI",
    "ズィ": "ZI",
}  # fmt: skip
_ROMAJI_1: dict[str, str] = dict(
    zip(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨ"
        "ラリルレロワヰヱヲンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ"
        "ァィゥェォャュョヮヵヶ",
        "A I U E O KA KI KU KE KO SA SHI SU SE SO TA CHI TSU TE TO NA NI NU NE NO "
        "HA HI FU HE HO MA MI MU ME MO YA YU YO RA RI RU RE RO WA I E O N "
        "GA GI GU GE GO ZA JI ZU ZE ZO DA JI ZU DE DO BA BI BU BE BO PA PI PU PE PO VU "
        "A I U E O YA YU YO WA KA KE".split(),
        strict=True,
    )
)


def _romaji_word(word: str) -> str:
    out: list[str] = []
    geminate = False
    i = 0
    while i < len(word):
        pair, ch = word[i : i + 2], word[i]
        if ch == "ッ":
            geminate, i = True, i + 1
            continue
        if pair in _ROMAJI_2:
            syllable, i = _ROMAJI_2[pair], i + 2
        elif ch in _ROMAJI_1:
            syllable, i = _ROMAJI_1[ch], i + 1
        else:  # ー and anything that is not kana: long vowels are not written
            i += 1
            continue
        if geminate:
            syllable = ("T" if syllable.startswith("CH") else syllable[0]) + syllable
            geminate = False
        out.append(syllable)
    return "".join(out)


@lru_cache(maxsize=_CACHE)
def romaji_of_kana(s: str | None) -> str:
    """Hepburn romaji of a reading, words kept apart: ジョン スミス → JON SUMISU.

    Long vowels are dropped as on passports, so the result is close to how a foreign
    resident's name is spelled; compare it fuzzily (JON SUMISU vs JOHN SMITH), never
    with `==`. A small table instead of pykakasi/cutlet: a katakana reading needs no
    dictionary, and this stays fast and dependency-free.
    """
    if not s:
        return ""
    text = jaconv.hira2kata(_nfkc(s))
    words = re.split(r"[\s・=＝]+", text)
    return " ".join(w for w in (_romaji_word(w) for w in words) if w)


# --- numbers written in kanji ------------------------------------------------------

_KANJI_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壱": 1, "壹": 1, "二": 2, "弐": 2, "貳": 2, "三": 3,
    "参": 3, "參": 3, "四": 4, "五": 5, "伍": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000, "阡": 1000}
KANJI_NUMERAL_CHARS = "".join(_KANJI_DIGITS) + "".join(_KANJI_UNITS)


def kanji_numeral_to_int(s: str) -> int:
    """二十六 → 26, 三百五 → 305, and positional 二〇二五 → 2025. ValueError otherwise."""
    if not s:
        raise ValueError("empty numeral")
    if not any(ch in _KANJI_UNITS for ch in s):
        try:
            return int("".join(str(_KANJI_DIGITS[ch]) for ch in s))
        except KeyError:
            raise ValueError(f"not a kanji numeral: {s!r}") from None
    total, current = 0, None
    for ch in s:
        if ch in _KANJI_DIGITS:
            if current is not None:
                raise ValueError(f"not a kanji numeral: {s!r}")
            current = _KANJI_DIGITS[ch]
        elif ch in _KANJI_UNITS:
            total += (1 if current is None else current) * _KANJI_UNITS[ch]
            current = None
        else:
            raise ValueError(f"not a kanji numeral: {s!r}")
    return total + (current or 0)
