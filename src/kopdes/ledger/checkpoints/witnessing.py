"""Witnessing: after the checkpoints are signed, each cooperative's latest checkpoint goes to each
configured witness (settings.KOPDES_WITNESSES) as C2SP tlog-witness `add-checkpoint` asks: the
size that witness last cosigned, the RFC 9162 consistency proof from it, and the signed note.
The cosignature it returns is checked against the witness's configured key (`cosignature/v1`)
before it is stored (`Cosignature`); `published_note` appends the stored cosignatures to the
platform's note wherever a checkpoint is published.

A failing witness never blocks signing: an unreachable one is logged and tried again on the next
run; a refusal (the witness saw another history, or the proof did not verify) is logged and
audited (`ledger.witness_refused`). On 409 the witness tells the size it last cosigned (say its
answer was lost): the request is made once more from that size.
"""

import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Prefetch

from kopdes.cooperatives.models import Cooperative
from kopdes.core.audit import audit_record
from kopdes.core.errors import DomainError
from kopdes.ledger import cosigning, merkle, signing
from kopdes.ledger.checkpoints.building import journal_rows
from kopdes.ledger.checkpoints.proving import latest_checkpoints
from kopdes.ledger.errors import WitnessBadCosignature, WitnessRefused, WitnessUnreachable
from kopdes.ledger.models import Checkpoint, Cosignature

log = logging.getLogger(__name__)
TIMEOUT = 10  # seconds per request to a witness
REFUSED = "ledger.witness_refused"  # the audit action of a witness's refusal

# (url, body) -> (HTTP status, body); urllib by default, a witness in the same process in tests.
Transport = Callable[[str, bytes], tuple[int, str]]


@dataclass(frozen=True)
class WitnessConfig:
    name: str
    url: str  # the submission prefix; add-checkpoint is POSTed to <url>/add-checkpoint
    key: cosigning.CosignerKey

    @property
    def verifier_key(self) -> str:
        return self.key.verifier_key


def configured_witnesses() -> list[WitnessConfig]:
    """The witnesses of settings.KOPDES_WITNESSES (checked at start-up)."""
    return [
        WitnessConfig(
            name=w["name"],
            url=w["url"].rstrip("/"),
            key=cosigning.parse_cosigner_key(w["verifier_key"]),
        )
        for w in getattr(settings, "KOPDES_WITNESSES", [])
    ]


def published_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's signed note with the witnesses' cosignature lines appended, as published
    (prefetch `cosignatures` when publishing many)."""
    lines = sorted(checkpoint.cosignatures.all(), key=lambda c: c.witness)
    return checkpoint.note + "".join(c.line + "\n" for c in lines)


def with_cosignatures() -> Prefetch:
    """Prefetch for `published_note` and the list of witnesses shown per checkpoint."""
    return Prefetch("cosignatures", queryset=Cosignature.objects.order_by("witness"))


def _consistency_proof(cooperative: Cooperative, old_size: int, new_size: int) -> list[bytes]:
    """The RFC 9162 consistency proof from `old_size` to `new_size` of the cooperative's tree.
    The one place witnessing reads the tree (the stored tree will answer it in a few reads)."""
    leaves = [row.leaf for row in journal_rows(cooperative, upto=new_size)]
    return merkle.consistency_proof(old_size, leaves)


def _http_post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL checked by the settings
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            return answer.status, answer.read(64 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read(4096).decode("utf-8", "replace")


def _last_cosigned_size(checkpoint: Checkpoint, witness: WitnessConfig) -> int:
    size = Cosignature.objects.filter(
        cooperative_id=checkpoint.cooperative_id, witness=witness.name
    ).aggregate(size=Max("checkpoint__tree_size"))["size"]
    return size or 0


def _submit(
    checkpoint: Checkpoint, witness: WitnessConfig, old_size: int, post: Transport
) -> tuple[int, str]:
    proof = _consistency_proof(checkpoint.cooperative, old_size, checkpoint.tree_size)
    body = f"old {old_size}\n" + "".join(signing.b64(h) + "\n" for h in proof) + "\n"
    try:
        return post(f"{witness.url}/add-checkpoint", (body + checkpoint.note).encode("utf-8"))
    except (OSError, ValueError) as exc:  # URLError, time-out, refused connection, bad URL
        raise WitnessUnreachable(witness=witness.name, reason=str(exc)) from None


def checkpoint_witness(
    *, checkpoint: Checkpoint, witness: WitnessConfig, post: Transport = _http_post
) -> Cosignature:
    """Have `witness` cosign `checkpoint`; the stored Cosignature (the existing one if any).

    Raises WitnessUnreachable, WitnessRefused (4xx; audited) or WitnessBadCosignature."""
    existing = Cosignature.objects.filter(checkpoint=checkpoint, witness=witness.name).first()
    if existing is not None:
        return existing
    old_size = _last_cosigned_size(checkpoint, witness)
    status, answer = _submit(checkpoint, witness, old_size, post)
    if status == 409:
        reported = answer.strip()
        if reported.isdigit() and int(reported) <= checkpoint.tree_size:
            old_size = int(reported)
            status, answer = _submit(checkpoint, witness, old_size, post)
    if status != 200:
        reason = " ".join(answer.split())[:300] or f"HTTP {status}"
        if 400 <= status < 500:
            refused = WitnessRefused(
                witness=witness.name, day=checkpoint.date.isoformat(), status=status, reason=reason
            )
            audit_record(
                actor=None,
                action=REFUSED,
                obj=checkpoint,
                object_type="ledger.checkpoint",
                after={"witness": witness.name, "status": status, "old_size": old_size},
                reason=reason,
            )
            raise refused
        raise WitnessUnreachable(witness=witness.name, reason=f"HTTP {status}: {reason}")
    text, _signatures = cosigning.split_note(checkpoint.note)
    try:
        found = cosigning.cosignatures_by(text, answer.splitlines(), witness.key)
    except signing.NoteError as exc:
        raise WitnessBadCosignature(witness=witness.name, reason=str(exc)) from None
    if not found:
        raise WitnessBadCosignature(witness=witness.name, reason="no line by its key")
    cosigned = found[0]
    return Cosignature.objects.create(
        cooperative_id=checkpoint.cooperative_id,
        checkpoint=checkpoint,
        witness=witness.name,
        key_id=cosigned.key_id.hex(),
        timestamp=cosigned.timestamp,
        line=cosigned.line.rstrip("\n"),
    )


@dataclass
class WitnessRun:
    cosigned: list[Cosignature] = field(default_factory=list)
    failures: list[DomainError] = field(default_factory=list)


def checkpoints_witness(
    *,
    cooperatives: Iterable[Cooperative] | None = None,
    witnesses: list[WitnessConfig] | None = None,
    post: Transport = _http_post,
) -> WitnessRun:
    """Submit the latest checkpoint of each cooperative (all by default) to each witness
    (KOPDES_WITNESSES by default). Never raises for a witness: failures are logged, returned
    and retried on the next run (the next run starts from the size each witness last cosigned)."""
    witnesses = configured_witnesses() if witnesses is None else witnesses
    run = WitnessRun()
    if not witnesses:
        return run
    chosen = Cooperative.objects.all()
    if cooperatives is not None:
        chosen = chosen.filter(pk__in=[c.pk for c in cooperatives])
    latest = latest_checkpoints(chosen)
    for checkpoint in sorted(latest.values(), key=lambda c: c.cooperative_id):
        for witness in witnesses:
            try:
                run.cosigned.append(
                    checkpoint_witness(checkpoint=checkpoint, witness=witness, post=post)
                )
            except (WitnessUnreachable, WitnessRefused, WitnessBadCosignature) as failed:
                log.warning("witness: %s (%s)", failed.render(), checkpoint.cooperative_id)
                run.failures.append(failed)
    return run
