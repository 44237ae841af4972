"""Clustering that never puts two conflicting identities in one payer.

Sure links are joined into connected components. A component whose records agree on
every identity attribute (one birth date, one sex, one kind, one 宛名番号, no two
different given-name readings, no "different" decision) becomes one payer as it is —
nearly all do. The rest are rebuilt link by link, strongest first: a link that would
join two conflicting groups is refused, so a chain of plausible links cannot merge
twins through a record that names neither clearly. The order depends only on weights
and record keys, so a component gives the same payers in a full and an incremental run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import polars as pl

INF = float("inf")
SIGNATURE_COLUMNS = ("foreign", "corp", "nm", "kl", "nm_giv", "kl_giv", "kn_inferred")

Signature = tuple[bool, bool, str, str, str, str, bool]


def signatures_conflict(a: Signature, b: Signature) -> bool:
    """Two Japanese given-name readings that differ, with nothing else in common."""
    fa, ca, nma, kla, nga, kga, ia = a
    fb, cb, nmb, klb, ngb, kgb, ib = b
    if fa or fb or ca or cb or not kga or not kgb or kga == kgb:
        return False
    if (ia or ib) and not (nga and ngb and nga != ngb):
        return False
    if nga and nga == ngb:
        return False
    if nma and nma == nmb:
        return False
    return not (kla and kla == klb)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra
        return ra


@dataclass
class _Group:
    dobs: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    kinds: set[bool] = field(default_factory=set)
    rnos: set[str] = field(default_factory=set)
    sigs: set[Signature] = field(default_factory=set)
    members: list[int] = field(default_factory=list)


def _disjoint(a: set[str], b: set[str]) -> bool:
    return bool(a) and bool(b) and a.isdisjoint(b)


class _Groups:
    """Union–find over one component's profiles, each root holding its group's identity."""

    def __init__(self, groups: dict[int, _Group]) -> None:
        self.groups = groups
        self.parent = {i: i for i in groups}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, ra: int, rb: int) -> None:
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        ga, gb = self.groups[ra], self.groups.pop(rb)
        ga.dobs |= gb.dobs
        ga.sexes |= gb.sexes
        ga.kinds |= gb.kinds
        ga.rnos |= gb.rnos
        ga.sigs |= gb.sigs
        ga.members += gb.members
        self.parent[rb] = ra

    def compatible(self, ra: int, rb: int, strong: bool, forbidden: dict[int, set[int]]) -> bool:
        """Whether two groups may become one payer (see the module docstring)."""
        ga, gb = self.groups[ra], self.groups[rb]
        if (
            _disjoint(ga.dobs, gb.dobs)
            or _disjoint(ga.sexes, gb.sexes)
            or len(ga.kinds | gb.kinds) > 1
        ):
            return False
        if _disjoint(ga.rnos, gb.rnos) and not strong:
            return False
        if any(signatures_conflict(x, y) for x in ga.sigs for y in gb.sigs):
            return False
        other = set(gb.members)
        return not any(forbidden.get(i, set()) & other for i in ga.members)


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of links (a[k], b[k]): each node's smallest node index.

    Min-label propagation with pointer jumping, in NumPy: a payer's component is small,
    so a few rounds over all links settle it.
    """
    labels = np.arange(n, dtype=np.int64)
    if a.size == 0:
        return labels
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        while True:  # pointer jumping: follow labels to their own labels
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def cluster(
    profiles: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    must_link: list[tuple[int, int]],
    cannot_link: list[tuple[int, int]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(pid → comp, cluster) labels and the edges used, from sure edges.

    `profiles` holds pid, anchor, rno, dob, sex, corp and the signature columns;
    `edges` holds pid_l, pid_r, weight, strong for the sure, conflict-free links.
    Labels are the smallest anchor of the component / cluster.
    """
    n = profiles.height
    # Only the columns used here: numbering a wide frame would copy every column.
    used_cols = dict.fromkeys(("pid", "anchor", "rno", "dob", "sex", "corp", *SIGNATURE_COLUMNS))
    prof = (
        profiles.select(list(used_cols))
        .with_row_index("i")
        .with_columns(pl.col("i").cast(pl.Int64))
    )
    at = prof.select("pid", "i")
    pids = prof["pid"].to_list()
    index = {p: i for i, p in enumerate(pids)}
    # hard links: one 宛名番号 (each profile to the first with its number), and a
    # supervisor's "same payer"
    by_rno = (
        prof.filter(pl.col("rno") != "")
        .with_columns(pl.col("i").min().over("rno").alias("first"))
        .filter(pl.col("i") != pl.col("first"))
        .select("first", "i")
    )
    hard: list[tuple[int, int]] = list(by_rno.iter_rows())
    hard.extend((index[a], index[b]) for a, b in must_link if a in index and b in index)
    e = (
        edges.join(at.rename({"pid": "pid_l", "i": "a"}), on="pid_l", maintain_order="left")
        .join(at.rename({"pid": "pid_r", "i": "b"}), on="pid_r", maintain_order="left")
        .select("a", "b", "weight", "strong")
    )
    ha = np.array([h[0] for h in hard], dtype=np.int64)
    hb = np.array([h[1] for h in hard], dtype=np.int64)
    comp_arr = _components(
        n, np.concatenate([ha, e["a"].to_numpy()]), np.concatenate([hb, e["b"].to_numpy()])
    )

    forbidden: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot_link:
        if a in index and b in index:
            forbidden[index[a]].add(index[b])
            forbidden[index[b]].add(index[a])

    # Components whose records disagree on an identity attribute (or may: two
    # signatures) are rebuilt link by link; found with one query over all of them.
    blank_null = {c: pl.when(pl.col(c) != "").then(pl.col(c)) for c in ("dob", "sex", "rno")}
    per_comp = (
        prof.with_columns(pl.Series("comp", comp_arr))
        .filter(pl.len().over("comp") > 1)
        .group_by("comp")
        .agg(
            (
                (blank_null["dob"].drop_nulls().n_unique() > 1)
                | (blank_null["sex"].drop_nulls().n_unique() > 1)
                | (pl.col("corp").n_unique() > 1)
                | (blank_null["rno"].drop_nulls().n_unique() > 1)
                | pl.col("i").is_in(list(forbidden)).any()
            ).alias("bad"),
            (pl.struct(SIGNATURE_COLUMNS).n_unique() > 1).alias("sigs"),
        )
        .filter(pl.col("bad") | pl.col("sigs"))
    )
    dirty: set[int] = set(per_comp.filter(pl.col("bad"))["comp"].to_list())
    maybe = per_comp.filter(~pl.col("bad"))["comp"]
    members: dict[int, list[int]] = defaultdict(list)
    involved = np.flatnonzero(np.isin(comp_arr, per_comp["comp"].to_numpy()))
    for i in involved.tolist():
        members[int(comp_arr[i])].append(i)
    sub = prof[involved.tolist()] if involved.size else prof.head(0)
    sig_of: dict[int, Signature] = dict(
        zip(sub["i"].to_list(), sub.select(SIGNATURE_COLUMNS).iter_rows(), strict=True)  # type: ignore[arg-type]
    )
    for c in maybe.to_list():
        sl = list({sig_of[i] for i in members[c]})
        if any(signatures_conflict(x, y) for j, x in enumerate(sl) for y in sl[j + 1 :]):
            dirty.add(c)

    label = comp_arr.copy()
    used = np.ones(e.height, dtype=bool)
    if dirty:
        info = {
            i: (d, sx, k, r)
            for i, d, sx, k, r in sub.select("i", "dob", "sex", "corp", "rno").iter_rows()
        }
        anchors = dict(zip(sub["i"].to_list(), sub["anchor"].to_list(), strict=True))
        ea_all, eb_all = e["a"].to_numpy(), e["b"].to_numpy()
        in_dirty = np.flatnonzero(np.isin(comp_arr[ea_all], np.array(sorted(dirty))))
        ea = dict(zip(in_dirty.tolist(), ea_all[in_dirty].tolist(), strict=True))
        eb = dict(zip(in_dirty.tolist(), eb_all[in_dirty].tolist(), strict=True))
        weights_all = e["weight"].to_numpy()
        strong_all = e["strong"].to_numpy()
        edge_of: dict[int, list[int]] = defaultdict(list)
        for k in in_dirty.tolist():
            edge_of[int(comp_arr[ea[k]])].append(k)
        hard_by: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for a, b in hard:
            if comp_arr[a] in dirty:
                hard_by[int(comp_arr[a])].append((a, b))
        for c in sorted(dirty):
            ks = edge_of.get(c, [])
            for k in ks:
                used[k] = False
            ks.sort(
                key=lambda k: (
                    -float(weights_all[k]),
                    min(anchors[ea[k]], anchors[eb[k]]),
                    max(anchors[ea[k]], anchors[eb[k]]),
                )
            )
            state = _Groups(
                {
                    i: _Group(
                        {info[i][0]} - {""},
                        {info[i][1]} - {""},
                        {info[i][2]},
                        {info[i][3]} - {""},
                        {sig_of[i]},
                        [i],
                    )
                    for i in members[c]
                }
            )
            for a, b in hard_by.get(c, []):
                state.join(state.find(a), state.find(b))
            for k in ks:
                ra, rb = state.find(ea[k]), state.find(eb[k])
                if ra == rb or state.compatible(ra, rb, bool(strong_all[k]), forbidden):
                    state.join(ra, rb)
                    used[k] = True
            for i in members[c]:
                label[i] = state.find(i)

    # labels: the smallest anchor of the component / of the cluster
    out = prof.with_columns(pl.Series("_c", comp_arr), pl.Series("_k", label)).select(
        "pid",
        pl.col("anchor").min().over("_c").alias("comp"),
        pl.col("anchor").min().over("_k").alias("cluster"),
    )
    return out, edges.with_columns(pl.Series("used", used, dtype=pl.Boolean))
