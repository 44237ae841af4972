"""Blocking: which profile pairs are worth comparing at all.

Several rules, each an equi-join on a key, so a true pair is missed only if it
disagrees on every one of them (a married woman who moved still shares her given
name, birth date and mobile number). Keys whose block was huge when the model was
fitted are skipped by every later run too, so the candidate pairs of two records never
depend on what else is in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from ._model import MatchModel


@dataclass(frozen=True)
class Rule:
    name: str
    parts: tuple[str, ...]  # profile columns joined into the key
    only: str = ""  # "person" / "corp" / "foreign": which profiles take part
    one_side_no_dob: bool = False  # at least one side has no birth date
    explode: bool = False  # the single part is a ;-separated list


_Frame = TypeVar("_Frame", pl.DataFrame, pl.LazyFrame)

RULES: tuple[Rule, ...] = (
    Rule("resident_no", ("rno",)),
    Rule("kana_dob", ("kl", "dob"), "person"),
    Rule("name_dob", ("nm", "dob"), "person"),
    Rule("given_kana_dob", ("kl_giv", "dob"), "person"),
    Rule("given_name_dob", ("nm_giv", "dob"), "person"),
    Rule("kana_tokens_dob", ("kn_tok", "dob"), "person"),
    Rule("latin_dob", ("lat", "dob"), "person"),
    Rule("address_dob", ("addr", "dob"), "person"),
    Rule("address_kana", ("addr", "kl")),
    Rule("address_name", ("addr", "nm")),
    Rule("address_given_kana", ("addr", "kl_giv"), "person"),
    Rule("address_latin", ("addr", "lat"), "person"),
    # Foreign names change order and reading between systems; the home does not.
    Rule("address_foreign", ("addr_room",), "foreign"),
    Rule("phone", ("phones",), explode=True),
    Rule("kana_no_dob", ("kl",), "person", one_side_no_dob=True),
    Rule("name_no_dob", ("nm",), "person", one_side_no_dob=True),
    Rule("latin_no_dob", ("lat",), "person", one_side_no_dob=True),
    Rule("corp_name", ("nm",), "corp"),
    Rule("corp_kana", ("kl",), "corp"),
)


def _keys(profiles: _Frame, rule: Rule) -> _Frame:
    """(pid, k, nodob) for the profiles that take part in `rule`."""
    df = profiles
    if rule.only == "person":
        df = df.filter(~pl.col("corp"))
    elif rule.only == "corp":
        df = df.filter(pl.col("corp"))
    elif rule.only == "foreign":
        df = df.filter(~pl.col("corp") & pl.col("foreign") & (pl.col("addr") != ""))
    if rule.explode:
        phones = pl.concat_str([pl.col("ph_mobile"), pl.col("ph_fixed")], separator=";")
        out = df.select(
            "pid", phones.str.split(";").alias("k"), (pl.col("dob") == "").alias("nodob")
        )
        out = out.explode("k").filter(pl.col("k") != "")
        return out.unique(["pid", "k"])
    ok = pl.all_horizontal([pl.col(c) != "" for c in rule.parts])
    key = pl.concat_str([pl.col(c) for c in rule.parts], separator="|")
    return df.filter(ok).select("pid", key.alias("k"), (pl.col("dob") == "").alias("nodob"))


RuleKeys = dict[str, pl.DataFrame]


def rule_keys(profiles: pl.DataFrame) -> RuleKeys:
    """Every rule's (pid, k, nodob), computed once for the stop lists and the pairs."""
    frames = pl.collect_all([_keys(profiles.lazy(), rule) for rule in RULES])
    return {rule.name: frame for rule, frame in zip(RULES, frames, strict=True)}


def block_sizes(
    profiles: pl.DataFrame, max_block: int, keys: RuleKeys | None = None
) -> dict[str, frozenset[str]]:
    """Keys of each rule whose block is larger than `max_block` (the stop lists)."""
    # one 宛名番号 is one payer, however many records it has: never a stop list
    rules = [rule for rule in RULES if rule.name != "resident_no"]
    big = pl.collect_all(
        [
            (keys[rule.name].lazy() if keys is not None else _keys(profiles.lazy(), rule))
            .group_by("k")
            .len()
            .filter(pl.col("len") > max_block)
            for rule in rules
        ]
    )
    return {rule.name: frozenset(b["k"].to_list()) for rule, b in zip(rules, big, strict=True)}


def candidate_pairs(
    profiles: pl.DataFrame,
    model: MatchModel,
    new: pl.Series | None = None,
    keys: RuleKeys | None = None,
) -> pl.DataFrame:
    """Unique (pid_l, pid_r), pid_l < pid_r, found by any rule.

    With `new` (pids), only pairs with at least one new profile are produced: what an
    incremental run needs, and exactly those pairs of a full run. `keys` are
    `rule_keys(profiles)` when the caller has them already.
    """
    # One lazy query over every rule: Polars runs the joins side by side.
    found: list[pl.LazyFrame] = []
    for rule in RULES:
        k = keys[rule.name] if keys is not None else _keys(profiles, rule)
        stop = model.stop.get(rule.name)
        if stop:
            k = k.join(
                pl.DataFrame({"k": sorted(stop)}, schema={"k": pl.String}), on="k", how="anti"
            )
        if k.height == 0:
            continue
        left = k if new is None else k.filter(pl.col("pid").is_in(new.implode()))
        if left.height == 0:
            continue
        every, side = k.lazy(), left.lazy()
        if rule.one_side_no_dob:
            a = side.filter(pl.col("nodob")).join(every, on="k", suffix="_r")
            b = side.join(every.filter(pl.col("nodob")), on="k", suffix="_r")
            joined = pl.concat([a.select("pid", "pid_r"), b.select("pid", "pid_r")])
        else:
            joined = side.join(every, on="k", suffix="_r").select("pid", "pid_r")
        if new is None:
            # Every profile is on both sides, so each pair comes both ways: keep one.
            pairs = joined.filter(pl.col("pid") < pl.col("pid_r")).rename({"pid": "pid_l"})
        else:
            pairs = joined.filter(pl.col("pid") != pl.col("pid_r")).select(
                pl.min_horizontal("pid", "pid_r").alias("pid_l"),
                pl.max_horizontal("pid", "pid_r").alias("pid_r"),
            )
        found.append(pairs)
    if not found:
        return pl.DataFrame(schema={"pid_l": pl.Int64, "pid_r": pl.Int64})
    return pl.concat(found).unique().sort("pid_l", "pid_r").collect()
