"""The annual status PDF's money part: invoices, the pool, the coordinator fee (Danish)."""

from __future__ import annotations

from kn_contracts.danish import INVOICE_REASON, rule_text
from kn_reporting.adapters import danish as da
from kn_reporting.adapters.document import Document
from kn_reporting.domain.money import Money


def _danish(reason: str, code: str) -> str:
    """An invoice's reason in Danish with its rule, by its code (finance's own text, in
    English, only for a code the document does not know)."""
    rule, _, text = reason.partition(": ")
    return f"{INVOICE_REASON.get(code, text)} ({rule_text(rule)})"


def money_part(doc: Document, money: Money) -> None:
    """Finance's figures of the year, or that they are not yet available."""
    if not money.available:
        doc.text(
            "Endnu ikke tilgængelig: økonomien har ikke offentliggjort takster, fakturaer "
            "eller honoraropgørelse for året."
        )
        return
    doc.subheading(f"Fakturaer ({len(money.invoices)})")
    if money.invoices:
        doc.table(
            ("Modtaget", "Leverandør", "Møde", "Beløb", "Status", "Godkendt", "Ikke dækket"),
            [
                (
                    da.date(i.received_date),
                    f"{i.supplier_name} ({i.supplier_invoice_number})",
                    da.date(i.meeting_date),
                    da.kr(i.amount),
                    da.INVOICE_STATUS[i.status],
                    da.kr(i.approved),
                    da.kr(i.not_covered),
                )
                for i in money.invoices
            ],
            (20, 44, 20, 26, 20, 26, 24),
            right=(3, 5, 6),
        )
        reasons = [
            f"{i.supplier_name} ({i.supplier_invoice_number}): {_danish(reason, code)}"
            for i in money.invoices
            for reason, code in zip(i.reasons, i.reason_codes, strict=True)
        ]
        reasons += [
            f"{i.supplier_name}: EKM har ændret afgørelsen: {i.override}"
            for i in money.invoices
            if i.override
        ]
        if reasons:
            doc.text("Begrundelser:", 9)
            doc.bullets(reasons)
    doc.text(
        f"Godkendt i alt {da.kr(money.approved)}, ikke dækket {da.kr(money.not_covered)}; "
        f"{money.rejected} afvist, {money.waiting} afventer."
    )
    doc.text(
        f"Aktivitetspulje: brugt {da.kr(money.pool_used)} af en ramme på "
        f"{da.kr(money.pool_entitlement)} (rammen for møder med faktura)."
    )
    fee = money.fee
    doc.subheading(f"Koordinatorhonorar: {da.FEE_STATUS[fee.status]}")
    if fee.status == "not_available":
        doc.text(fee.note or "")
        return
    doc.table(
        ("Modtager", "Måneder", "Honorar"),
        [(p.name, str(p.months), da.kr(p.amount)) for p in fee.payees]
        + [("I alt", "", da.kr(fee.total))],
        (80, 30, 40),
        right=(1, 2),
    )
    if fee.yearly_amount is not None:
        doc.text(f"Årligt honorar for 12 måneder: {da.kr(fee.yearly_amount)}.", 9)
