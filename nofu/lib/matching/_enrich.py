"""Profile features that need the model: split names, inferred readings, loose readings.

Names written solid (「高木達哉」, 「タカギタツヤ」) are split with the family names the
model saw written apart; a record with no reading borrows the reading its written name
carries elsewhere. Both only ever add information; nothing the city wrote is replaced.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from ._model import MatchModel

_ROWS = {
    "A": "アカサタナハマヤラワガザダバパァャヮヵ",
    "I": "イキシチニヒミリギジヂビピィヰ",
    "U": "ウクスツヌフムユルグズヅブプゥュッヴ",
    "E": "エケセテネヘメレゲゼデベペェヱヶ",
    "O": "オコソトノホモヨロヲゴゾドボポォョ",
}
_VOWEL = {ch: v for v, chars in _ROWS.items() for ch in chars}
_VOWEL_KANA = {"A": "ア", "I": "イ", "U": "ウ", "E": "エ", "O": "オ"}


@lru_cache(maxsize=1 << 18)
def loose_kana(k: str) -> str:
    """Long vowels in one spelling: コーヘイ, コウヘイ → コオヘエ; ユータ → ユウタ.

    Lengths are kept (ユウキ and ユキ stay apart): twins' names are often that close.
    """
    if not k:
        return ""
    out: list[str] = []
    for ch in k:
        prev = _VOWEL.get(out[-1]) if out else None
        if ch == "ー":
            if prev:
                out.append(_VOWEL_KANA[prev])
            continue
        if prev == "O" and ch == "ウ":
            ch = "オ"
        elif prev == "E" and ch == "イ":
            ch = "エ"
        out.append(ch)
    return "".join(out)


def _split(full: str, families: frozenset[str], longest: int) -> tuple[str, str]:
    for n in range(min(longest, len(full) - 1), 0, -1):
        if full[:n] in families:
            return full[:n], full[n:]
    return "", ""


def enrich(profiles: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """Add nm_fam/nm_giv and kn_fam/kn_giv where missing, kn_inferred, loose readings."""
    person = ~pl.col("corp") & (pl.col("lat") == "")
    df = profiles.with_columns(person.alias("_person"))
    fam_set, kfam_set = model.families, model.kana_families
    fam_len = max((len(f) for f in fam_set), default=0)
    kfam_len = max((len(f) for f in kfam_set), default=0)
    giv_reading = dict(
        model.part_readings.filter(pl.col("part") == "giv").select("kanji", "kana").iter_rows()
    )
    fam_reading = dict(
        model.part_readings.filter(pl.col("part") == "fam").select("kanji", "kana").iter_rows()
    )
    full_reading = dict(model.readings.iter_rows())

    # 1. written names written solid
    need = df.filter(pl.col("_person") & (pl.col("nm") != "") & (pl.col("nm_fam") == ""))
    split_nm = {nm: _split(nm, fam_set, fam_len) for nm in need["nm"].unique().to_list()}
    if split_nm:
        m = pl.DataFrame(
            {
                "nm": list(split_nm),
                "_f": [v[0] for v in split_nm.values()],
                "_g": [v[1] for v in split_nm.values()],
            },
            schema={"nm": pl.String, "_f": pl.String, "_g": pl.String},
        )
        df = (
            df.join(m, on="nm", how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_person") & (pl.col("nm_fam") == "") & pl.col("_f").is_not_null())
                .then(pl.col("_f"))
                .otherwise(pl.col("nm_fam"))
                .alias("nm_fam"),
                pl.when(pl.col("_person") & (pl.col("nm_giv") == "") & pl.col("_g").is_not_null())
                .then(pl.col("_g"))
                .otherwise(pl.col("nm_giv"))
                .alias("nm_giv"),
            )
            .drop("_f", "_g")
        )

    # 2. readings: inferred when blank, split when written solid
    def reading_of(nm: str, fam: str, giv: str) -> tuple[str, str, str]:
        kn = full_reading.get(nm, "")
        rf, rg = fam_reading.get(fam, ""), giv_reading.get(giv, "")
        if kn:
            if rg and kn.endswith(rg) and len(kn) > len(rg):
                return kn, kn[: -len(rg)], rg
            if rf and kn.startswith(rf) and len(kn) > len(rf):
                return kn, rf, kn[len(rf) :]
            f, g = _split(kn, kfam_set, kfam_len)
            return kn, f, g
        if rf and rg:
            return rf + rg, rf, rg
        return "", "", ""

    def split_kana(kn: str, giv: str) -> tuple[str, str]:
        rg = giv_reading.get(giv, "")
        if rg and kn.endswith(rg) and len(kn) > len(rg):
            return kn[: -len(rg)], rg
        return _split(kn, kfam_set, kfam_len)

    # Once per distinct (name, split, reading) of the people that need it, joined back.
    needs = pl.col("_person") & ~((pl.col("kn") != "") & (pl.col("kn_fam") != ""))
    key = ["nm", "nm_fam", "nm_giv", "kn"]
    out: dict[str, list[object]] = {c: [] for c in (*key, "_kn", "_f", "_g", "_inf")}
    for nm, nf, ng, kn in df.filter(needs).select(key).unique().iter_rows():
        if kn:
            f, g = split_kana(kn, ng)
            hit = (kn, f, g, False)
        elif nm:
            k2, f, g = reading_of(nm, nf, ng)
            hit = (k2, f, g, bool(k2))
        else:
            hit = ("", "", "", False)
        for c, v in zip(out, (nm, nf, ng, kn, *hit), strict=True):
            out[c].append(v)
    found = pl.DataFrame(
        out,
        schema={**dict.fromkeys((*key, "_kn", "_f", "_g"), pl.String), "_inf": pl.Boolean},
    )
    df = (
        df.join(found, on=key, how="left", maintain_order="left")
        .with_columns(
            pl.when(needs).then("_kn").otherwise("kn").alias("kn"),
            pl.when(needs).then("_f").otherwise("kn_fam").alias("kn_fam"),
            pl.when(needs).then("_g").otherwise("kn_giv").alias("kn_giv"),
            (needs & pl.col("_inf")).alias("kn_inferred"),
        )
        .drop("_kn", "_f", "_g", "_inf")
    )
    loose = {"kn": "kl", "kn_fam": "kl_fam", "kn_giv": "kl_giv"}
    for src, dst in loose.items():
        uniq = df[src].unique()
        mapping = pl.DataFrame({src: uniq, dst: [loose_kana(v) for v in uniq.to_list()]})
        df = df.join(mapping, on=src, how="left", maintain_order="left")
    nat = pl.col("nat")
    df = df.with_columns(
        ((pl.col("lat") != "") | ((nat != "") & (nat != "日本") & ~pl.col("corp"))).alias(
            "foreign"
        ),
        (pl.col("addr") + "#" + pl.col("room")).alias("addr_room"),
    )
    return df.drop("_person")
