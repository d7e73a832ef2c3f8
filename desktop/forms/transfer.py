"""Phiếu chuyển hồ sơ: the slip that goes with a dossier received here for another body (issue #15)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from desktop.forms.common import applicant_block, form_header, signer, unprintable
from desktop.forms.config import FormsConfig
from desktop.forms.data import FormData
from desktop.forms.layout import PageBuilder, Styles, labelled, numbered, signatures
from desktop.formatting import vn_datetime
from desktop.texts import TRANSFER_VIA_LABELS

KIND = "transfer"


def _body(st: Styles, cfg: FormsConfig, fd: FormData) -> list[Flowable]:
    d = fd.data
    when = fd.at("transferred_at")
    out: list[Flowable] = form_header(st, cfg, cfg.spec(KIND), fd, when)
    out.append(Paragraph(cfg.t(KIND, "to", body=d["resolving_body"]["name"]), st.justify))
    out.append(Paragraph(cfg.t(KIND, "intro", unit=fd.unit.name), st.justify))
    out += applicant_block(st, cfg, fd)
    received, due = fd.at("received_at"), fd.at("due_at")
    out.append(labelled(st, cfg.plain(KIND, "received"), vn_datetime(received) if received else None))
    out.append(labelled(st, cfg.plain(KIND, "appointment"), vn_datetime(due) if due else None))
    out.append(labelled(st, cfg.plain(KIND, "sets"), str(d["sets_count"])))
    out.append(Paragraph(cfg.t(KIND, "components"), st.justify))
    out += numbered(st, [str(c["name"]) for c in fd.components if c["submitted"]] or ["—"])
    out.append(labelled(st, cfg.plain(KIND, "via"), TRANSFER_VIA_LABELS.get(str(d["transfer_via"]), "")))
    out.append(labelled(st, cfg.plain(KIND, "transferred"), vn_datetime(when) if when else None))
    out.append(Paragraph(cfg.t(KIND, "closing", unit=fd.unit.name), st.justify))
    out.append(st.gap(1.2))
    officer = fd.officer(next((e["officer"] for e in reversed(fd.events) if e["kind"] == "transferred"), None))
    out.append(signatures(st, [signer(cfg, cfg.plain(KIND, "signer_receiver")),
                               signer(cfg, cfg.plain(KIND, "signer_officer"), officer)]))
    return out


def pages(fd: FormData, cfg: FormsConfig, **_: object) -> list[PageBuilder]:
    if not fd.data.get("transferred_at"):
        raise unprintable(f"Hồ sơ {fd.code} chưa được chuyển đến cơ quan giải quyết; ghi nhận việc chuyển "
                          "trước khi in phiếu chuyển.")
    return [lambda st: _body(st, cfg, fd)]
