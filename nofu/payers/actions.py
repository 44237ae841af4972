"""Merging two payers and splitting one: each one transaction with its audit row.

A merge moves everything that hangs on the payer (installments, phones, addresses,
contacts, promises, reissues, handovers, complaints, callbacks, holds, list members,
call events…) to the payer kept; nothing is deleted except a phone or address that the
kept payer already has, whose dates and status are folded into the kept one. The payer
merged away stays as an empty record (so links and audit rows that name it still lead
somewhere), and `PayerChange` says where it went.

A split moves the chosen installments to a new payer, and with them what is only about
them: a contact, promise or reissue whose installments all move goes along (handovers
and complaints follow their contact); the city's phones and addresses written on the
moved rows are copied or moved. What was heard from a person on the phone stays.

Supervisor merges and splits are remembered as decisions (「同一人」/「別人」) on the
records, so a later import never undoes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nofu.audit.actions import audit_record
from nofu.intake.importer import payers_refresh_totals
from nofu.lib import address as addr
from nofu.lib import japanese
from nofu.lib.subjects import UNIFIED
from nofu.payers.models import Address, Installment, Payer, PayerKind, Phone, PhoneStatus

IDENTITY_FIELDS = (
    "name_kana",
    "birth_date",
    "sex",
    "nationality",
    "postal_code",
    "address",
    "building",
    "kana_key",
    "address_key",
)


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"{what}の理由を入力してください。")
    return reason


def _key(i: Installment) -> tuple[str, str]:
    return (i.source_system, i.receivable_key)


def _pair(a: tuple[str, str], b: tuple[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
    return (a, b) if a <= b else (b, a)


def decision_remember(
    *,
    actor: Any,
    pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]],
    same: bool,
    origin: str,
    reason: str,
    review: Any = None,
) -> int:
    """Store (or overwrite) a decision for each pair of record keys; returns how many."""
    from nofu.matching.models import MatchDecision

    now = timezone.now()
    n = 0
    for a, b in {_pair(a, b) for a, b in pairs if a != b}:
        MatchDecision.objects.update_or_create(
            a_source=a[0],
            a_key=a[1],
            b_source=b[0],
            b_key=b[1],
            defaults={
                "same": same,
                "origin": origin,
                "review": review,
                "decided_by": actor if getattr(actor, "pk", None) else None,
                "decided_at": now,
                "reason": reason[:2000],
            },
        )
        n += 1
    return n


def _identity_of(rows: Sequence[Installment]) -> dict[str, Any]:
    """A payer's identity from its rows: the unified system's newest row first."""
    best = sorted(rows, key=lambda i: (i.source_system != UNIFIED, -i.pk))[0]
    norm = addr.normalize_address(best.address, best.building, best.postal_code)
    return {
        "kind": PayerKind.CORPORATION if best.corporation else PayerKind.PERSON,
        "name": best.name,
        "name_kana": best.name_kana,
        "birth_date": best.birth_date,
        "sex": best.sex,
        "nationality": best.nationality,
        "postal_code": best.postal_code,
        "address": best.address,
        "building": best.building,
        "name_key": japanese.name_key(best.name),
        "kana_key": japanese.kana_name_key(best.name_kana),
        "address_key": norm.key,
    }


def _refuse_if_merged_away(*payers: Payer) -> None:
    from nofu.matching.models import PayerChange, PayerChangeKind

    for p in payers:
        gone = (
            PayerChange.objects.filter(kind=PayerChangeKind.MERGE, other=p)
            .select_related("payer")
            .first()
        )
        if gone:
            raise ValidationError(f"{p.payer_no} は既に {gone.payer.payer_no} に統合されています。")


# --- merge ----------------------------------------------------------------------------------


def _merge_phones(keep: Payer, other: Payer) -> tuple[int, int]:
    moved = folded = 0
    mine = {p.number: p for p in Phone.objects.filter(payer=keep)}
    for ph in Phone.objects.filter(payer=other):
        kept = mine.get(ph.number)
        if kept is None:
            ph.payer = keep
            ph.save(update_fields=["payer"])
            moved += 1
            continue
        kept.first_seen = min(kept.first_seen, ph.first_seen)
        kept.last_seen = max(kept.last_seen, ph.last_seen)
        if kept.status == PhoneStatus.UNKNOWN:
            kept.status = ph.status
        if ph.note and ph.note not in kept.note:
            kept.note = f"{kept.note} {ph.note}".strip()[:200]
        kept.save()
        ph.delete()
        folded += 1
    return moved, folded


def _merge_addresses(keep: Payer, other: Payer) -> tuple[int, int]:
    moved = folded = 0
    mine = {a.key: a for a in Address.objects.filter(payer=keep)}
    for a in Address.objects.filter(payer=other):
        kept = mine.get(a.key)
        if kept is None:
            a.payer = keep
            a.save(update_fields=["payer"])
            moved += 1
            continue
        kept.first_seen = min(kept.first_seen, a.first_seen)
        kept.last_seen = max(kept.last_seen, a.last_seen)
        kept.save()
        a.delete()
        folded += 1
    return moved, folded


HANDLED = {("payers", "installment"), ("payers", "phone"), ("payers", "address")}
HANDLED |= {("matching", "reviewpair"), ("matching", "payerchange")}


def _move_related(keep: Payer, other: Payer) -> tuple[dict[str, int], dict[str, int]]:
    """Every other row that points at `other` (whatever app it is in) now points at
    `keep`; a row that cannot move (a unique rule: the kept payer is already on that
    call list version, already has a lease) stays where it is and is counted."""
    moved: dict[str, int] = {}
    left: dict[str, int] = {}
    for rel in Payer._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        model = rel.related_model
        label = (model._meta.app_label, model._meta.model_name)
        if label in HANDLED:
            continue
        name = rel.field.name
        qs = model._default_manager.filter(**{name: other})
        label_text = f"{model._meta.app_label}.{model._meta.model_name}"
        try:
            with transaction.atomic():
                n = qs.update(**{name: keep})
        except IntegrityError:
            n = 0
            for obj in list(qs):
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=obj.pk).update(**{name: keep})
                    n += 1
                except IntegrityError:
                    left[label_text] = left.get(label_text, 0) + 1
        if n:
            moved[label_text] = n
    return moved, left


def _repoint_reviews(old: Payer, new: Payer, keys: set[tuple[str, str]] | None = None) -> int:
    """Open review pairs of `old` now concern `new` (only those whose record on old's side
    is in `keys`, if given); a pair that becomes one payer, or repeats another, is closed."""
    from nofu.matching.models import OPEN_STATUSES, ReviewPair, ReviewStatus

    changed = 0
    for r in ReviewPair.objects.filter(Q(payer_a=old) | Q(payer_b=old), status__in=OPEN_STATUSES):
        mine_a = r.payer_a_id == old.pk
        rec = (r.a_source, r.a_key) if mine_a else (r.b_source, r.b_key)
        if keys is not None and rec not in keys:
            continue
        other_id = r.payer_b_id if mine_a else r.payer_a_id
        recs = [rec, (r.b_source, r.b_key) if mine_a else (r.a_source, r.a_key)]
        if (
            other_id == new.pk
            or ReviewPair.objects.filter(
                payer_a_id=min(other_id, new.pk), payer_b_id=max(other_id, new.pk)
            )
            .exclude(pk=r.pk)
            .exists()
        ):
            r.status = ReviewStatus.CLOSED
            r.reason = f"{old.payer_no} の統合・分割により解消"
            r.save(update_fields=["status", "reason", "updated_at"])
            changed += 1
            continue
        if new.pk < other_id:
            r.payer_a_id, r.payer_b_id = new.pk, other_id
            (r.a_source, r.a_key), (r.b_source, r.b_key) = recs[0], recs[1]
        else:
            r.payer_a_id, r.payer_b_id = other_id, new.pk
            (r.a_source, r.a_key), (r.b_source, r.b_key) = recs[1], recs[0]
        r.save()
        changed += 1
    return changed


def payer_merge(
    *,
    actor: Any,
    keep: Payer,
    other: Payer,
    reason: str,
    request: Any = None,
    automatic: bool = False,
    detail: dict[str, Any] | None = None,
) -> Payer:
    """Merge `other` into `keep`. A supervisor's merge is remembered as 「同一人」 on the
    records; an automatic one (the engine was sure) is not: the engine keeps it anyway."""
    from nofu.matching.models import DecisionOrigin, PayerChangeKind

    reason = _reason(reason, "統合")
    if keep.pk == other.pk:
        raise ValidationError("同じ納付義務者どうしは統合できません。")
    with transaction.atomic():
        locked = {
            p.pk: p for p in Payer.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
        }
        if len(locked) != 2:
            raise ValidationError("納付義務者が見つかりません。")
        keep, other = locked[keep.pk], locked[other.pk]
        _refuse_if_merged_away(keep, other)
        if keep.kind != other.kind:
            raise ValidationError("個人と法人は統合できません。")
        rows_keep = list(Installment.objects.filter(payer=keep).order_by("id"))
        rows_other = list(Installment.objects.filter(payer=other).order_by("id"))
        remembered = 0
        if not automatic and rows_keep + rows_other:
            anchor = _key((rows_keep or rows_other)[0])
            remembered = decision_remember(
                actor=actor,
                pairs=((anchor, _key(i)) for i in rows_keep + rows_other),
                same=True,
                origin=DecisionOrigin.MERGE,
                reason=reason,
            )
        n_inst = Installment.objects.filter(payer=other).update(payer=keep)
        phones = _merge_phones(keep, other)
        addresses = _merge_addresses(keep, other)
        moved, left = _move_related(keep, other)
        reviews = _repoint_reviews(other, keep)
        blanks = [f for f in IDENTITY_FIELDS if not getattr(keep, f) and getattr(other, f)]
        for f in blanks:
            setattr(keep, f, getattr(other, f))
        keep.save()
        payers_refresh_totals([keep.pk, other.pk])
        info = {
            "other": other.pk,
            "other_payer_no": other.payer_no,
            "other_name": other.name,
            "installments": n_inst,
            "phones_moved": phones[0],
            "phones_folded": phones[1],
            "addresses_moved": addresses[0],
            "addresses_folded": addresses[1],
            "moved": moved,
            "left": left,
            "reviews": reviews,
            "decisions": remembered,
            "filled": blanks,
            **(detail or {}),
        }
        _change_record(
            kind=PayerChangeKind.MERGE,
            payer=keep,
            other=other,
            automatic=automatic,
            actor=actor,
            reason=reason,
            info=info,
            request=request,
            summary=(
                f"{other.name}（{other.payer_no}）を{keep.name}（{keep.payer_no}）に"
                f"{'自動' if automatic else ''}統合（期別{n_inst}件）"
            ),
        )
    keep.refresh_from_db()
    return keep


def _change_record(
    *,
    kind: str,
    payer: Payer,
    other: Payer,
    automatic: bool,
    actor: Any,
    reason: str,
    info: dict[str, Any],
    request: Any,
    summary: str,
) -> None:
    """A merge or split is kept twice on purpose: in the payer's own history (shown on
    the payer page, read by later splits) and in the audit log (searched by managers)."""
    from nofu.matching.models import PayerChange, PayerChangeKind

    PayerChange.objects.create(
        kind=kind,
        payer=payer,
        other=other,
        automatic=automatic,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        reason=reason,
        detail=info,
    )
    audit_record(
        actor=actor,
        action=f"payer.{PayerChangeKind(kind).value}",
        target_type="payer",
        target_id=payer.pk,
        summary=summary,
        reason=reason,
        detail=info,
        request=request,
    )


# --- split ----------------------------------------------------------------------------------


def _identity_key(i: Installment) -> tuple:
    """Rows equal here are one profile to the engine: one decision covers them all."""
    return (
        i.resident_no, i.name, i.name_kana, i.birth_date, i.sex, i.nationality, i.corporation,
        i.postal_code, i.address, i.building, i.phone1, i.phone2,
    )  # fmt: skip


def _representatives(rows: Sequence[Installment]) -> list[Installment]:
    seen: dict[tuple, Installment] = {}
    for i in rows:
        seen.setdefault(_identity_key(i), i)
    return list(seen.values())


def _follows(obj_installment_ids: set[int], moving: set[int]) -> bool:
    return bool(obj_installment_ids) and obj_installment_ids <= moving


def payer_split(
    *,
    actor: Any,
    payer: Payer,
    installment_ids: Iterable[int],
    reason: str,
    request: Any = None,
) -> Payer:
    """Move the chosen installments of `payer` to a new payer; remembered as 「別人」."""
    from nofu.calls.models import Complaint, ContactEvent, Handover, PaymentPromise, SlipReissue
    from nofu.matching.models import (
        DecisionOrigin,
        MatchDecision,
        PayerChangeKind,
    )

    reason = _reason(reason, "分割")
    ids = {int(i) for i in installment_ids}
    if not ids:
        raise ValidationError("新しい納付義務者に移す期別を選んでください。")
    with transaction.atomic():
        payer = Payer.objects.select_for_update().get(pk=payer.pk)
        _refuse_if_merged_away(payer)
        rows = list(Installment.objects.filter(payer=payer).order_by("id"))
        mine = {i.pk for i in rows}
        if not ids <= mine:
            raise ValidationError("この納付義務者の期別ではないものが含まれています。")
        if ids == mine:
            raise ValidationError("すべての期別を移すことはできません（1件以上残してください）。")
        moving = [i for i in rows if i.pk in ids]
        staying = [i for i in rows if i.pk not in ids]
        new = Payer.objects.create(**_identity_of(moving))
        for k, v in _identity_of(staying).items():
            setattr(payer, k, v)
        payer.save()

        # remembered: every profile that moves is 「別人」 to every profile that stays
        moving_keys = {_key(i) for i in moving}
        staying_keys = {_key(i) for i in staying}
        pairs = [
            (_key(a), _key(b)) for a in _representatives(staying) for b in _representatives(moving)
        ]
        crossing = [
            ((d.a_source, d.a_key), (d.b_source, d.b_key))
            for d in MatchDecision.objects.filter(
                same=True,
                a_key__in={k[1] for k in moving_keys | staying_keys},
                b_key__in={k[1] for k in moving_keys | staying_keys},
            )
            if {(d.a_source, d.a_key), (d.b_source, d.b_key)} & moving_keys
            and {(d.a_source, d.a_key), (d.b_source, d.b_key)} & staying_keys
        ]
        remembered = decision_remember(
            actor=actor,
            pairs=pairs + crossing,
            same=False,
            origin=DecisionOrigin.SPLIT,
            reason=reason,
        )

        n_inst = Installment.objects.filter(pk__in=ids).update(payer=new)
        counts: dict[str, int] = {"installments": n_inst}
        moved_contacts: set[int] = set()
        for c in ContactEvent.objects.filter(payer=payer).prefetch_related("installments"):
            if _follows({i.pk for i in c.installments.all()}, ids):
                moved_contacts.add(c.pk)
        counts["contacts"] = ContactEvent.objects.filter(pk__in=moved_contacts).update(payer=new)
        for model, name in ((PaymentPromise, "promises"), (SlipReissue, "reissues")):
            follow = [
                o.pk
                for o in model.objects.filter(payer=payer).prefetch_related("installments")
                if _follows({i.pk for i in o.installments.all()}, ids)
            ]
            counts[name] = model.objects.filter(pk__in=follow).update(payer=new)
        for model, name in ((Handover, "handovers"), (Complaint, "complaints")):
            counts[name] = model.objects.filter(payer=payer, contact_id__in=moved_contacts).update(
                payer=new
            )

        # the city's phones and addresses written on the moved rows go along
        numbers_moving = {n for i in moving for n in (i.phone1, i.phone2) if n}
        numbers_staying = {n for i in staying for n in (i.phone1, i.phone2) if n}
        for ph in Phone.objects.filter(payer=payer, number__in=numbers_moving, origin="city_data"):
            if ph.number in numbers_staying:
                ph.pk = None
                ph.payer = new
                ph.save()
                counts["phones_copied"] = counts.get("phones_copied", 0) + 1
            else:
                ph.payer = new
                ph.save(update_fields=["payer"])
                counts["phones_moved"] = counts.get("phones_moved", 0) + 1
        places_moving = {(i.address, i.building) for i in moving if i.address}
        places_staying = {(i.address, i.building) for i in staying if i.address}
        for a in Address.objects.filter(payer=payer, origin="city_data"):
            place = (a.address, a.building)
            if place not in places_moving:
                continue
            if place in places_staying:
                a.pk = None
                a.payer = new
                a.save()
                counts["addresses_copied"] = counts.get("addresses_copied", 0) + 1
            else:
                a.payer = new
                a.save(update_fields=["payer"])
                counts["addresses_moved"] = counts.get("addresses_moved", 0) + 1
        counts["reviews"] = _repoint_reviews(payer, new, keys=moving_keys)
        payers_refresh_totals([payer.pk, new.pk])
        info = {
            "new": new.pk,
            "new_payer_no": new.payer_no,
            "installment_ids": sorted(ids),
            "records": sorted(f"{s}:{k}" for s, k in moving_keys),
            "decisions": remembered,
            **counts,
        }
        _change_record(
            kind=PayerChangeKind.SPLIT,
            payer=payer,
            other=new,
            automatic=False,
            actor=actor,
            reason=reason,
            info=info,
            request=request,
            summary=(
                f"{payer.name}（{payer.payer_no}）から期別{n_inst}件を"
                f"{new.name}（{new.payer_no}）に分割"
            ),
        )
    new.refresh_from_db()
    return new
