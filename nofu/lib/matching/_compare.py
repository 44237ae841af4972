"""Comparison of candidate pairs: a level per field, a weight per level, hard conflicts.

Levels are decided with Polars expressions over all pairs at once; string similarity
(only where exact keys disagree) is RapidFuzz's Jaro–Winkler on *characters*, run over
whole columns in C++ threads. A weight is log2(m/u) (Fellegi–Sunter); the exact levels
take u from the frequency of the agreed value, so 「佐藤 広」 counts for less than
「冨田 晴紀」. Conflicts (different birth dates, sexes, person vs corporation, or two
different given-name readings) are not weights: such a pair is never linked.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from ._model import MatchModel
from .config import MatchConfig

GETA = "〓"

PAIR_COLUMNS: tuple[str, ...] = (
    "anchor",
    "rno",
    "corp",
    "foreign",
    "nm",
    "nm_fam",
    "nm_giv",
    "kl",
    "kl_fam",
    "kl_giv",
    "kn_tok",
    "kn_inferred",
    "lat",
    "lat_cat",
    "cform",
    "cpos",
    "dob",
    "sex",
    "nat",
    "addr",
    "addr_room",
    "town",
    "room",
    "ph_mobile",
    "ph_fixed",
)

# comparison → (label in reasons, level → label in reasons)
LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "name": (
        "氏名",
        {
            "exact": "一致",
            "exact_no_kana": "漢字一致（片方カナなし）",
            "kana_no_kanji": "カナ一致（片方漢字なし）",
            "kana_only": "カナ一致・漢字不一致",
            "kanji_only": "漢字一致・カナ不一致",
            "latin": "英字氏名一致",
            "given_only": "名のみ一致（姓が異なる）",
            "fuzzy": "類似",
            "different": "不一致",
        },
    ),
    "corp_name": (
        "法人名",
        {
            "exact": "一致",
            "exact_no_kana": "一致（片方カナなし）",
            "kana_no_kanji": "カナ一致（片方漢字なし）",
            "kana_only": "カナ一致・漢字不一致",
            "kanji_only": "漢字一致・カナ不一致",
            "fuzzy": "類似",
            "different": "不一致",
        },
    ),
    "corp_form": (
        "法人格",
        {"same": "一致", "other_side": "前後が異なる", "other_form": "種類が異なる"},
    ),
    "birth_date": ("生年月日", {"exact": "一致"}),
    "sex": ("性別", {"same": "一致"}),
    "address": (
        "住所",
        {
            "exact": "一致",
            "same_block": "番地一致（部屋番号なし・不一致）",
            "same_town": "町名のみ一致",
            "different": "不一致",
        },
    ),
    "phone": (
        "電話番号",
        {"mobile": "携帯一致", "landline": "固定電話一致", "none_shared": "不一致"},
    ),
    "resident_no": ("宛名番号", {"different": "不一致"}),
    "nationality": ("国籍", {"same": "一致", "different": "不一致"}),
}
COMPARISONS: tuple[str, ...] = tuple(LABELS)
CONFLICT_LABELS: dict[str, str] = {
    "birth_date": "生年月日が異なる",
    "sex": "性別が異なる",
    "kind": "個人と法人",
    "given_name": "名の読みが異なる",
}

# Which levels are weighed by the frequency of the agreed value, and of which column.
TF_LEVELS: dict[tuple[str, str], str] = {
    ("name", "exact"): "nm",
    ("name", "exact_no_kana"): "nm",
    ("name", "kana_no_kanji"): "kl",
    ("name", "kana_only"): "kl",
    ("name", "latin"): "lat",
    ("name", "given_only"): "kl_giv",
    ("corp_name", "exact"): "nm",
    ("corp_name", "exact_no_kana"): "nm",
    ("corp_name", "kana_no_kanji"): "kl",
    ("corp_name", "kana_only"): "kl",
    ("birth_date", "exact"): "dob",
    ("address", "exact"): "addr_room",
    ("address", "same_block"): "addr",
    ("phone", "mobile"): "phone",
    ("phone", "landline"): "phone",
    ("nationality", "same"): "nat",
}


def join_sides(pairs: pl.DataFrame, profiles: pl.DataFrame) -> pl.DataFrame:
    """pairs (pid_l, pid_r) with every comparison column of both sides (_l / _r)."""
    cols = ["pid", *PAIR_COLUMNS]
    side = profiles.select(cols)
    out = pairs.join(side.rename({c: f"{c}_l" for c in cols}), on="pid_l", how="left")
    return out.join(side.rename({c: f"{c}_r" for c in cols}), on="pid_r", how="left")


def _l(c: str) -> pl.Expr:
    return pl.col(f"{c}_l")


def _r(c: str) -> pl.Expr:
    return pl.col(f"{c}_r")


def _both(c: str) -> pl.Expr:
    return (_l(c) != "") & (_r(c) != "")


def _eq(c: str) -> pl.Expr:
    return _both(c) & (_l(c) == _r(c))


def _wild_equal(a: str, b: str) -> bool:
    """〓 stands for one character CP932 could not hold."""
    return len(a) == len(b) and all(
        x == y or x == GETA or y == GETA for x, y in zip(a, b, strict=True)
    )


def _similarity(
    df: pl.DataFrame, col: str, mask: pl.Series, workers: int, token: bool = False
) -> np.ndarray:
    out = np.zeros(df.height, dtype=np.float64)
    idx = np.flatnonzero(mask.to_numpy())
    if idx.size == 0:
        return out
    a = df[f"{col}_l"].gather(idx).to_list()
    b = df[f"{col}_r"].gather(idx).to_list()
    if token:
        sims = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=workers) / 100.0
    else:
        sims = process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=workers)
    out[idx] = sims
    return out


def compare_levels(joined: pl.DataFrame, config: MatchConfig) -> pl.DataFrame:
    """Add one level column per comparison (`lv_<name>`, "" = not comparable) and `conflict`."""
    df = joined
    # Wildcard (〓) equality of written names: a small subset, done in Python.
    geta = _both("nm") & (
        _l("nm").str.contains(GETA, literal=True) | _r("nm").str.contains(GETA, literal=True)
    )
    gmask = df.select(geta.alias("g"))["g"]
    wild = np.zeros(df.height, dtype=bool)
    if gmask.any():
        idx = np.flatnonzero(gmask.to_numpy())
        a = df["nm_l"].gather(idx).to_list()
        b = df["nm_r"].gather(idx).to_list()
        wild[idx] = [_wild_equal(x, y) for x, y in zip(a, b, strict=True)]
    df = df.with_columns(
        (_eq("nm") | pl.Series(wild)).alias("_kanji_eq"),
        (_eq("kl") | _eq("kn_tok")).alias("_kana_eq"),
        (_both("kl") & ~_l("kn_inferred") & ~_r("kn_inferred")).alias("_ka_real"),
    )
    # Similarity decides a level only for two corporations, or for two people when one
    # is foreign or one has no reading (`fuzzy_ok` below); elsewhere it stays 0, unread.
    matters = (_l("corp") & _r("corp")) | (
        ~_l("corp") & ~_r("corp") & (_l("foreign") | _r("foreign") | ~_both("kl"))
    )
    need = df.select(
        (matters & _both("kl") & ~pl.col("_kana_eq")).alias("kana"),
        (matters & _both("nm") & ~pl.col("_kanji_eq")).alias("nm"),
        (matters & _both("lat") & (_l("lat") != _r("lat"))).alias("lat"),
    )
    need_kana, need_nm, need_lat = need["kana"], need["nm"], need["lat"]
    sim_kana = np.maximum(
        _similarity(df, "kl", need_kana, config.workers),
        _similarity(df, "kn_tok", need_kana, config.workers),
    )
    sim_nm = _similarity(df, "nm", need_nm, config.workers)
    sim_lat = _similarity(df, "lat", need_lat, config.workers, token=True)
    df = df.with_columns(
        pl.Series("_sim_kana", sim_kana),
        pl.Series("_sim_nm", sim_nm),
        pl.Series("_sim_lat", sim_lat),
    )
    kanji_eq = pl.col("_kanji_eq")
    kana_eq = pl.col("_kana_eq")
    ka_real = pl.col("_ka_real")
    K, KA, L = _both("nm"), _both("kl"), _both("lat")
    lat_eq = L & (_eq("lat") | _eq("lat_cat"))
    fam_known = _both("nm_fam") | _both("kl_fam")
    fam_eq = _eq("nm_fam") | _eq("kl_fam")
    giv_eq = _eq("nm_giv") | _eq("kl_giv")
    foreign = _l("foreign") | _r("foreign")
    fuzzy_ok = foreign | ~KA
    sim = pl.max_horizontal("_sim_kana", "_sim_nm", "_sim_lat")
    person_name = (
        pl.when(kanji_eq & kana_eq & ka_real)
        .then(pl.lit("exact"))
        .when(kanji_eq & ~(ka_real & ~kana_eq))
        .then(pl.lit("exact_no_kana"))
        .when(kana_eq & ~K)
        .then(pl.lit("kana_no_kanji"))
        .when(kana_eq)
        .then(pl.lit("kana_only"))
        .when(lat_eq)
        .then(pl.lit("latin"))
        .when(kanji_eq)
        .then(pl.lit("kanji_only"))
        .when(giv_eq & fam_known & ~fam_eq)
        .then(pl.lit("given_only"))
        .when(fuzzy_ok & (sim >= config.fuzzy_name))
        .then(pl.lit("fuzzy"))
        .when(K | KA | L)
        .then(pl.lit("different"))
        .otherwise(pl.lit(""))
    )
    corp_sim = pl.max_horizontal("_sim_kana", "_sim_nm")
    corp_name = (
        pl.when(kanji_eq & kana_eq & ka_real)
        .then(pl.lit("exact"))
        .when(kanji_eq & ~(ka_real & ~kana_eq))
        .then(pl.lit("exact_no_kana"))
        .when(kana_eq & ~K)
        .then(pl.lit("kana_no_kanji"))
        .when(kana_eq)
        .then(pl.lit("kana_only"))
        .when(kanji_eq)
        .then(pl.lit("kanji_only"))
        .when(corp_sim >= config.fuzzy_corp_name)
        .then(pl.lit("fuzzy"))
        .when(K | KA)
        .then(pl.lit("different"))
        .otherwise(pl.lit(""))
    )
    both_corp = _l("corp") & _r("corp")
    both_person = ~_l("corp") & ~_r("corp")
    corp_form = (
        pl.when(~both_corp | ~_both("cform"))
        .then(pl.lit(""))
        .when(_eq("cform") & (_eq("cpos") | ~_both("cpos")))
        .then(pl.lit("same"))
        .when(_eq("cform"))
        .then(pl.lit("other_side"))
        .otherwise(pl.lit("other_form"))
    )
    # 「小中台町144」 and 「小中台町144-1110」: a room number written as one more number of
    # the block, or a 号 left out. One block key extending the other is the same block.
    extends = _both("addr") & (
        _l("addr").str.starts_with(_r("addr") + "-") | _r("addr").str.starts_with(_l("addr") + "-")
    )
    address = (
        pl.when(_eq("addr") & (_l("room") == _r("room")))
        .then(pl.lit("exact"))
        .when(_eq("addr") | extends)
        .then(pl.lit("same_block"))
        .when(_eq("town"))
        .then(pl.lit("same_town"))
        .when(_both("addr"))
        .then(pl.lit("different"))
        .otherwise(pl.lit(""))
    )
    split = {
        c: pl.col(c).str.split(";")
        for c in ("ph_mobile_l", "ph_mobile_r", "ph_fixed_l", "ph_fixed_r")
    }
    shared_m = split["ph_mobile_l"].list.set_intersection(split["ph_mobile_r"]).list.first()
    shared_f = split["ph_fixed_l"].list.set_intersection(split["ph_fixed_r"]).list.first()
    has_l = (_l("ph_mobile") != "") | (_l("ph_fixed") != "")
    has_r = (_r("ph_mobile") != "") | (_r("ph_fixed") != "")
    lf = df.lazy().with_columns(
        shared_m.fill_null("").alias("_shared_m"),
        shared_f.fill_null("").alias("_shared_f"),
    )
    phone = (
        pl.when(pl.col("_shared_m") != "")
        .then(pl.lit("mobile"))
        .when(pl.col("_shared_f") != "")
        .then(pl.lit("landline"))
        .when(has_l & has_r)
        .then(pl.lit("none_shared"))
        .otherwise(pl.lit(""))
    )
    # Given names: two different readings are two people (twins, siblings, spouses).
    # A reading inferred from the written name counts only when both written given
    # names are there and differ too (a mistyped kanji keeps its reading).
    readings_known = (~_l("kn_inferred") & ~_r("kn_inferred")) | (
        _both("nm_giv") & (_l("nm_giv") != _r("nm_giv"))
    )
    given_conflict = (
        both_person
        & ~foreign
        & _both("kl_giv")
        & readings_known
        & (_l("kl_giv") != _r("kl_giv"))
        & ~_eq("nm_giv")
        & ~kanji_eq
        & ~kana_eq
    )
    conflict = (
        pl.when(_l("corp") != _r("corp"))
        .then(pl.lit("kind"))
        .when(_both("dob") & (_l("dob") != _r("dob")))
        .then(pl.lit("birth_date"))
        .when(_both("sex") & (_l("sex") != _r("sex")))
        .then(pl.lit("sex"))
        .when(given_conflict)
        .then(pl.lit("given_name"))
        .otherwise(pl.lit(""))
    )
    # Lazy, so that Polars evaluates the expressions shared by several levels once.
    df = lf.with_columns(
        pl.when(both_person).then(person_name).otherwise(pl.lit("")).alias("lv_name"),
        pl.when(both_corp).then(corp_name).otherwise(pl.lit("")).alias("lv_corp_name"),
        corp_form.alias("lv_corp_form"),
        pl.when(_eq("dob")).then(pl.lit("exact")).otherwise(pl.lit("")).alias("lv_birth_date"),
        pl.when(_eq("sex")).then(pl.lit("same")).otherwise(pl.lit("")).alias("lv_sex"),
        address.alias("lv_address"),
        phone.alias("lv_phone"),
        pl.when(_both("rno") & (_l("rno") != _r("rno")))
        .then(pl.lit("different"))
        .otherwise(pl.lit(""))
        .alias("lv_resident_no"),
        pl.when(_eq("nat"))
        .then(pl.lit("same"))
        .when(_both("nat"))
        .then(pl.lit("different"))
        .otherwise(pl.lit(""))
        .alias("lv_nationality"),
        conflict.alias("conflict"),
        # Something beyond name and birth date agrees: the place or a phone number.
        # Two people with one name and one birth date do exist (and the city's files
        # hold more of them than chance would), so identity alone is never sure.
        (
            address.is_in(["exact", "same_block", "same_town"])
            | phone.is_in(["mobile", "landline"])
        ).alias("corroborated"),
        # Strong enough to join two 宛名番号: the same person by name and birth date,
        # and the same mobile or the same address.
        (
            _eq("dob")
            & person_name.is_in(
                ["exact", "exact_no_kana", "kana_no_kanji", "kana_only", "kanji_only", "latin"]
            )
            & ((phone == "mobile") | (address == "exact"))
        ).alias("strong"),
        # The value an exact level agreed on, for its term frequency.
        pl.when(pl.col("_kanji_eq")).then(_l("nm")).otherwise(pl.lit("")).alias("_tf_nm"),
        pl.when(pl.col("_kana_eq")).then(_l("kl")).otherwise(pl.lit("")).alias("_tf_kl"),
        pl.when(_eq("lat")).then(_l("lat")).otherwise(pl.lit("")).alias("_tf_lat"),
        pl.when(_eq("kl_giv")).then(_l("kl_giv")).otherwise(pl.lit("")).alias("_tf_kl_giv"),
        pl.when(_eq("dob")).then(_l("dob")).otherwise(pl.lit("")).alias("_tf_dob"),
        pl.when(_eq("addr")).then(_l("addr_room")).otherwise(pl.lit("")).alias("_tf_addr_room"),
        pl.when(_eq("addr"))
        .then(_l("addr"))
        .when(extends)
        .then(
            pl.when(_l("addr").str.len_chars() < _r("addr").str.len_chars())
            .then(_l("addr"))
            .otherwise(_r("addr"))
        )
        .otherwise(pl.lit(""))
        .alias("_tf_addr"),
        pl.when(pl.col("_shared_m") != "")
        .then(pl.col("_shared_m"))
        .otherwise(pl.col("_shared_f"))
        .alias("_tf_phone"),
        pl.when(_eq("nat")).then(_l("nat")).otherwise(pl.lit("")).alias("_tf_nat"),
    ).collect()
    return df


def u_from_sample(levels: pl.DataFrame) -> dict[str, dict[str, float]]:
    """u of every level from random pairs (only levels seen; others get a floor)."""
    n = max(levels.height, 1)
    u: dict[str, dict[str, float]] = {}
    for comp in COMPARISONS:
        counts = levels[f"lv_{comp}"].value_counts()
        u[comp] = {lvl: c / n for lvl, c in counts.iter_rows() if lvl}
    return u


def add_weights(df: pl.DataFrame, model: MatchModel, config: MatchConfig) -> pl.DataFrame:
    """Weight per comparison (`w_<name>`) and the total `weight` (with the prior)."""
    floor = config.min_u
    # term-frequency u for every tf column used by a level
    lf = df.lazy().with_columns(
        pl.col(f"_tf_{col}")
        .replace_strict(table["value"], table["u"], default=None, return_dtype=pl.Float64)
        .alias(f"_u_{col}")
        for col, table in model.tf.items()
    )
    weights = []
    for comp in COMPARISONS:
        m_levels = config.m.get(comp, {})
        u_levels = model.u.get(comp, {})
        lv = pl.col(f"lv_{comp}")
        expr: pl.Expr = pl.lit(0.0)
        chain: Any = None
        for level, m in m_levels.items():
            tf_col = TF_LEVELS.get((comp, level))
            if tf_col is not None:
                # A value the model never saw counts as seen once, not as unique.
                unseen = 1.0 / max(model.n_profiles, 1)
                sampled = max(u_levels.get(level, unseen), floor)
                u_expr = (
                    pl.when(pl.col(f"_tf_{tf_col}") == "")
                    .then(pl.lit(sampled))
                    .otherwise(pl.col(f"_u_{tf_col}").fill_null(unseen))
                    .clip(lower_bound=floor)
                )
                w = (pl.lit(m) / u_expr).log(2)
            else:
                u = max(u_levels.get(level, 0.0), floor)
                if level in ("different", "none_shared") and u < 0.5:
                    u = 0.5  # a sample too small to see disagreement must not reward it
                w = pl.lit(math.log2(m / u))
            if comp == "nationality" and level == "same":
                w = w.clip(upper_bound=config.max_nationality_weight)
            chain = (
                pl.when(lv == level).then(w) if chain is None else chain.when(lv == level).then(w)
            )
        if chain is not None:
            expr = chain.otherwise(pl.lit(0.0))
        weights.append(expr.alias(f"w_{comp}"))
    return (
        lf.with_columns(weights)
        .with_columns(
            (pl.lit(model.prior) + pl.sum_horizontal([f"w_{c}" for c in COMPARISONS])).alias(
                "weight"
            )
        )
        .collect()
    )


def reasons(df: pl.DataFrame) -> pl.Series:
    """「氏名: 一致 (+12.3)、生年月日: 一致 (+14.1)、…」 for each pair, in Japanese."""
    parts = []
    for comp in COMPARISONS:
        label, names = LABELS[comp]
        lv = pl.col(f"lv_{comp}")
        text = lv.replace_strict(names, default="", return_dtype=pl.String)
        part = (
            pl.when(lv != "")
            .then(
                pl.format(
                    "{}: {} ({})", pl.lit(label), text, pl.col(f"w_{comp}").round(1).cast(pl.String)
                )
            )
            .otherwise(None)
        )
        parts.append(part)
    conflict = pl.col("conflict").replace_strict(
        CONFLICT_LABELS, default="", return_dtype=pl.String
    )
    parts.append(
        pl.when(pl.col("conflict") != "").then(pl.format("矛盾: {}", conflict)).otherwise(None)
    )
    return df.select(pl.concat_str(parts, separator="、", ignore_nulls=True).alias("reasons"))[
        "reasons"
    ]
