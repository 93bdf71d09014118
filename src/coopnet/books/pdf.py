"""The invoice as a PDF a client would accept: A4, rendered by WeasyPrint from the very template
the printable page shows (books/_invoice.html), with the same print stylesheet.

WeasyPrint lays text out with Pango, a system library (scripts/ensure-pango installs Debian's);
it is imported when a PDF is asked for, so the rest of the site runs without it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

TEMPLATE = "books/invoice_pdf.html"


def invoice_pdf(context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The PDF of the invoice page's `context` (views_invoices.invoice_context); `request`
    for the site's template context (the network's name)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string(TEMPLATE, context, request=request)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf
