"""The search box's FTS5 trigram index (issue #18): every writer keeps it true (triggers), and the indexed
search returns exactly what the plain LIKE returned, with and without diacritics, for short and odd input."""

from __future__ import annotations

import random

from sqlalchemy import text

from desktop.db.session import Database
from desktop.services import dossiers, queries
from desktop.services.dossiers import Applicant, Reception
from desktop.services.queries import DossierFilter

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ")
GIVEN = ("Văn Hùng", "Thị Lan", "Minh Đức", "Thu Hà", "Quốc Bảo", "Ngọc Ánh", "Hữu Nghĩa", "Thị Hường")


def _receive_many(db: Database, count: int) -> list[str]:
    rng = random.Random(7)
    with db.transaction(officer="system") as s:
        return [dossiers.receive(s, Reception("1.001193", Applicant(
            f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}", id_number=f"0013{rng.randint(0, 10**8 - 1):08d}"))).code
            for _ in range(count)]


def _both(session, search: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    indexed = queries.dossier_ids(session, DossierFilter(search=search))
    plain = list(session.scalars(queries.filtered(DossierFilter(search=search)).with_only_columns(
        queries.Dossier.id).order_by(queries.Dossier.received_at.desc())))
    return indexed, plain


def test_indexed_search_equals_the_plain_search(db: Database) -> None:
    codes = _receive_many(db, 120)
    with db.reading() as s:
        assert queries.search_index_ready(s)
        for search in ("nguyen", "Nguyễn", "thi lan", "HÙNG", "van hung", "0013", codes[5][-8:], codes[0], "ng",
                       "đức", "a", "x\"y", "100%", "không có ai", "__"):
            indexed, plain = _both(s, search)
            assert sorted(indexed) == sorted(plain), search  # (all received at the same pinned moment)
        assert len(_both(s, "nguyen")[0]) > 0


def test_writers_keep_the_index_true(db: Database) -> None:
    codes = _receive_many(db, 3)
    with db.engine.begin() as conn:  # a bulk writer that knows nothing of the index (like the demo's)
        conn.execute(text("UPDATE dossier SET search_text = 'ma hoang anh' WHERE code = :c"), {"c": codes[0]})
        for child in ("dossier_component", "dossier_event"):
            conn.execute(text(f"DELETE FROM {child} WHERE dossier_id = (SELECT id FROM dossier WHERE code = :c)"),
                         {"c": codes[1]})
        conn.execute(text("DELETE FROM dossier WHERE code = :c"), {"c": codes[1]})
    with db.reading() as s:
        assert queries.dossier_ids(s, DossierFilter(search="hoang anh")) != []
        assert sorted(_both(s, "hoang anh")[0]) == sorted(_both(s, "hoang anh")[1])
        missing = s.execute(text("SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH :q"),
                            {"q": f'"{codes[1].lower()}"'}).scalar()
        assert missing == 0
        assert s.execute(text("INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('integrity-check', 1)")) is not None
