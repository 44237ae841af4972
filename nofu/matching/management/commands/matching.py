"""`nofu matching status|rebuild|reconcile`: the matching engine's state in the database.

status     what the saved state covers, and the review queue
rebuild    fit the model again on every installment and save a fresh state
reconcile  apply the engine's answer to payers made before it (e.g. by 宛名番号 only):
           merge payers the engine is sure are one (audited, never across a supervisor's
           「別人」 or split), and put every uncertain pair in the review queue
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nofu.matching import engine
from nofu.matching.assignment import _enqueue_reviews, _kept_apart
from nofu.matching.models import EngineState, ReviewPair, ReviewStatus


class Command(BaseCommand):
    help = "名寄せエンジンの状態（status / rebuild / reconcile）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["status", "rebuild", "reconcile"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            row = EngineState.objects.filter(pk=1).first()
            if row is None or not row.token:
                self.stdout.write("保存された名寄せ状態はありません（次の取込で作られます）。")
            else:
                self.stdout.write(
                    f"状態 {row.token}: {row.records:,}行（{row.saved_at:%Y-%m-%d %H:%M} 保存）"
                )
            open_n = ReviewPair.objects.filter(status=ReviewStatus.OPEN).count()
            self.stdout.write(f"確認待ち {open_n:,}組")
            return
        with transaction.atomic():
            engine.lock_state()
            decisions = engine.decisions_all()
            if action == "rebuild":
                engine.forget()
                eng = engine.build(decisions)
                if eng is None:
                    raise CommandError("期別がありません。")
                engine.changed(eng, 0)
                self.stdout.write(f"{eng.count:,}行で名寄せ状態を作り直しました。")
                return
            eng = engine.current(decisions)
            if eng is None:
                raise CommandError("期別がありません。")
            merged = self._merge_clusters(eng.result)
            clusters = eng.result.clusters
            empty = pl.DataFrame(
                schema={"source": pl.String, "key": pl.String, "payer_id": pl.Int64}
            )
            before = ReviewPair.objects.count()
            _enqueue_reviews(eng.result, clusters["cluster"].unique(), empty)
            added = ReviewPair.objects.count() - before
        self.stdout.write(f"自動統合 {merged:,}件、確認待ちに追加 {added:,}組")

    def _merge_clusters(self, result: Any) -> int:
        from nofu.payers.actions import payer_merge
        from nofu.payers.models import Payer

        owners = result.clusters.join(
            engine.payers_of_keys(result.clusters), on=["source", "key"], how="inner"
        )
        spread = (
            owners.group_by("cluster")
            .agg(pl.col("payer_id").unique().sort())
            .filter(pl.col("payer_id").list.len() > 1)
        )
        merged = 0
        for _cluster, payer_ids in spread.iter_rows():
            if _kept_apart(payer_ids):
                continue
            keep = Payer.objects.get(pk=payer_ids[0])
            for other in payer_ids[1:]:
                payer_merge(
                    actor=None,
                    keep=keep,
                    other=Payer.objects.get(pk=other),
                    reason="自動名寄せ（nofu matching reconcile）: 確実なリンクで結ばれています。",
                    automatic=True,
                )
                merged += 1
        return merged
