"""Accounts, tokens, document statuses and the audit log on a real SQLite file (acervo/db.py)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from acervo import accounts, audit, db, moderation
from acervo.accounts import AccountError, User, can
from acervo.cli import main
from acervo.search.access import AGENCY, MEMBERS, PUBLIC, Access, DocStatus


@pytest.fixture()
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = db.connect(tmp_path / "acervo.db")
    yield connection
    connection.close()


def test_a_new_database_is_in_wal_mode_at_the_latest_schema(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "acervo.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.schema_version(conn) == len(db.MIGRATIONS)
    assert {"users", "tokens", "doc_status", "audit"} <= {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }


def test_an_appended_migration_runs_once_on_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "acervo.db"
    accounts.add_user(db.connect(path), "ana", "admin")
    extra = db.Migration("notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);")
    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, extra])
    conn = db.connect(path)
    assert db.schema_version(conn) == len(db.MIGRATIONS)
    assert accounts.get_user(conn, "ana") is not None  # the data survived
    db.connect(path)  # a second open does not run it again (CREATE TABLE would fail)


def test_a_database_from_a_newer_acervo_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "acervo.db"
    db.connect(path).execute(f"PRAGMA user_version = {len(db.MIGRATIONS) + 1}")
    with pytest.raises(db.DatabaseError, match="versión más nueva"):
        db.connect(path)


def test_two_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    path, errors = tmp_path / "acervo.db", []

    def open_it() -> None:
        try:
            db.connect(path).close()
        except db.DatabaseError as exc:  # pragma: no cover - the failure being tested
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.schema_version(db.connect(path)) == len(db.MIGRATIONS)


def test_passwords_are_argon2_hashes_and_only_the_right_one_logs_in(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "ana", "lector")
    accounts.set_password(conn, "ana", "una contraseña larga")
    stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "larga" not in stored
    assert accounts.authenticate(conn, "ana", "una contraseña larga").name == "ana"
    assert accounts.authenticate(conn, "ana", "otra contraseña") is None
    assert accounts.authenticate(conn, "nadie", "una contraseña larga") is None


def test_a_user_without_password_or_disabled_cannot_log_in(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "ana", "lector")
    assert accounts.authenticate(conn, "ana", "") is None
    accounts.set_password(conn, "ana", "una contraseña larga")
    accounts.set_disabled(conn, "ana")
    assert accounts.authenticate(conn, "ana", "una contraseña larga") is None
    accounts.set_disabled(conn, "ana", False)
    assert accounts.authenticate(conn, "ana", "una contraseña larga") is not None


@pytest.mark.parametrize(
    ("name", "role", "agencies", "message"),
    [
        ("ana", "jefa", (), "Rol desconocido «jefa»"),
        ("ana maría", "lector", (), "Nombre de usuario no válido"),
        ("ana", "contribuyente", (), "al menos a una agencia"),
        ("ana", "contribuyente", ("FOO",), "Agencia desconocida «FOO». Agencias válidas: "),
    ],
)
def test_bad_user_data_is_refused_with_a_message(
    conn,
    name: str,
    role: str,
    agencies: tuple[str, ...],
    message: str,  # noqa: ANN001
) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add_user(conn, name, role, agencies)
    assert accounts.list_users(conn) == []


def test_agencies_are_resolved_from_the_vocabulary_and_duplicates_refused(conn) -> None:  # noqa: ANN001
    user = accounts.add_user(conn, "pepe", "contribuyente", ["UNHCR", "oim", "ACNUR"])
    assert user.agencies == ("ACNUR", "OIM")
    with pytest.raises(AccountError, match="Ya existe"):
        accounts.add_user(conn, "PEPE", "lector")


def test_short_passwords_are_refused(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "ana", "lector")
    with pytest.raises(AccountError, match="al menos 10"):
        accounts.set_password(conn, "ana", "corta")


def test_tokens_are_shown_once_stored_hashed_and_revocable(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "pepe", "contribuyente", ["OIM"])
    token = accounts.new_token(conn, "pepe")
    assert token.startswith(accounts.TOKEN_PREFIX)
    stored = conn.execute("SELECT token_hash FROM tokens").fetchone()[0]
    assert token not in stored and len(stored) == 64
    assert accounts.user_for_token(conn, token).name == "pepe"
    assert accounts.user_for_token(conn, token + "x") is None
    assert accounts.revoke_tokens(conn, "pepe") == 1
    assert accounts.user_for_token(conn, token) is None


def test_a_disabled_users_tokens_stop_working(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "pepe", "lector")
    token = accounts.new_token(conn, "pepe")
    accounts.set_disabled(conn, "pepe")
    assert accounts.user_for_token(conn, token) is None


class _Doc:
    agencies = ("OIM",)


@pytest.mark.parametrize(
    ("role", "agencies", "allowed"),
    [
        ("lector", (), set()),
        ("contribuyente", ("ACNUR",), {"upload", "edit"}),  # edit: only its agencies' documents
        ("curador", (), {"upload", "edit", "edit_any", "review", "withdraw"}),
        ("admin", (), set(accounts.ACTIONS)),
    ],
)
def test_each_role_may_do_what_the_one_before_may_and_more(
    role: str, agencies: tuple[str, ...], allowed: set[str]
) -> None:
    user = User(1, "u", role, agencies)
    assert {action for action in accounts.ACTIONS if can(user, action)} == allowed
    assert can(user, "edit", _Doc()) == (role in ("curador", "admin"))
    assert not can(accounts.AnonymousUser(), "upload")
    assert not can(User(1, "u", "admin", disabled=True), "audit")


def test_a_contributor_edits_its_own_agencys_documents_only() -> None:
    assert can(User(1, "u", "contribuyente", ("OIM",)), "edit", _Doc())
    assert not can(User(1, "u", "contribuyente", ("ACNUR",)), "edit", _Doc())


@pytest.mark.parametrize(
    ("visibility", "doc_agencies", "who", "sees"),
    [
        (PUBLIC, ("OIM",), None, True),
        (MEMBERS, ("OIM",), None, False),
        (MEMBERS, ("OIM",), "lector", True),
        (AGENCY, ("OIM",), "lector", False),
        (AGENCY, ("OIM",), "oim", True),
        (AGENCY, ("OIM",), "acnur", False),
        (AGENCY, ("OIM",), "curador", True),
        ("", ("OIM",), None, True),  # no visibility in the sidecar: the default (publico)
        ("secreto", ("OIM",), "lector", False),  # an unknown value hides: fail closed
    ],
)
def test_who_sees_what(
    visibility: str, doc_agencies: tuple[str, ...], who: str | None, sees: bool
) -> None:
    users = {
        "lector": User(1, "l", "lector"),
        "oim": User(2, "o", "contribuyente", ("OIM",)),
        "acnur": User(3, "a", "contribuyente", ("ACNUR",)),
        "curador": User(4, "c", "curador"),
    }
    viewer = users[who].viewer() if who else accounts.AnonymousUser().viewer()
    assert Access(viewer).may_see(visibility, doc_agencies, "d1") is sees


def test_statuses_hide_pending_uploads_from_all_but_uploader_and_curators(conn) -> None:  # noqa: ANN001
    moderation.set_pending(conn, "d1", uploader="pepe")
    statuses = moderation.statuses(conn)
    assert statuses == {"d1": DocStatus("pendiente", "pepe")}

    def sees(user: User) -> bool:
        return Access(user.viewer(), statuses).may_see(PUBLIC, (), "d1")

    assert sees(User(1, "pepe", "contribuyente", ("OIM",)))
    assert not sees(User(2, "otra", "contribuyente", ("OIM",)))
    assert sees(User(3, "cura", "curador"))
    moderation.approve(conn, "d1", by="cura")
    assert moderation.statuses(conn) == {}


def test_withdrawn_documents_are_seen_by_curators_only_and_can_be_restored(conn) -> None:  # noqa: ANN001
    moderation.withdraw(conn, "d2", by="cura", reason="datos personales")
    access = Access(User(1, "pepe", "admin").viewer(), moderation.statuses(conn))
    assert access.may_see(PUBLIC, (), "d2")
    access = Access(User(1, "pepe", "contribuyente", ("OIM",)).viewer(), moderation.statuses(conn))
    assert not access.may_see(PUBLIC, ("OIM",), "d2")
    with pytest.raises(moderation.StatusError, match="ya está retirado"):
        moderation.withdraw(conn, "d2", by="cura")
    moderation.restore(conn, "d2", by="cura")
    with pytest.raises(moderation.StatusError, match="está publicado"):
        moderation.restore(conn, "d2", by="cura")


def test_a_rejection_needs_a_reason(conn) -> None:  # noqa: ANN001
    moderation.set_pending(conn, "d3", uploader="pepe")
    with pytest.raises(moderation.StatusError, match="motivo"):
        moderation.reject(conn, "d3", by="cura", reason="  ")
    moderation.reject(conn, "d3", by="cura", reason="Falta la portada")
    assert moderation.status_of(conn, "d3")["reason"] == "Falta la portada"


def test_every_change_is_in_the_audit_log_newest_first(conn) -> None:  # noqa: ANN001
    accounts.add_user(conn, "pepe", "contribuyente", ["OIM"], by="ana")
    accounts.set_password(conn, "pepe", "una contraseña larga", by="ana")
    accounts.new_token(conn, "pepe", by="ana")
    moderation.set_pending(conn, "d1", uploader="pepe")
    moderation.reject(conn, "d1", by="cura", reason="Duplicado")
    moderation.withdraw(conn, "d2", by="cura")
    audit.record(conn, "cura", "doc.edited", "d2", before={"year": 2019}, after={"year": 2020})
    actions = [e.action for e in audit.entries(conn)]
    assert actions == [
        "doc.edited",
        "doc.withdrawn",
        "doc.rejected",
        "doc.pending",
        "user.token",
        "user.password",
        "user.added",
    ]
    edit = audit.entries(conn, action="doc.edited")[0]
    assert (edit.actor, edit.target, edit.detail["before"]) == ("cura", "d2", {"year": 2019})
    assert [e.action for e in audit.entries(conn, actor="cura")][-1] == "doc.rejected"
    assert "una contraseña larga" not in "".join(audit.csv_chunks(audit.entries(conn)))


def test_a_failed_change_leaves_no_audit_entry(conn) -> None:  # noqa: ANN001
    with pytest.raises(AccountError):
        accounts.set_disabled(conn, "nadie", by="ana")
    assert audit.entries(conn) == []


def test_the_audit_csv_neutralises_formulas(conn) -> None:  # noqa: ANN001
    audit.record(conn, None, "login.failed", '=HYPERLINK("http://x")')
    text = "".join(audit.csv_chunks(audit.entries(conn)))
    assert text.splitlines()[0] == "at,actor,action,target,detail"
    assert "'=HYPERLINK" in text


# ---- the CLI ------------------------------------------------------------------------------


def _acervo(tmp_path: Path, *args: str) -> int:
    return main(["--index", str(tmp_path / "index"), *args])


def test_cli_users_add_list_disable_token_and_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _acervo(tmp_path, "users", "add", "ana", "--role", "admin") == 0
    assert _acervo(tmp_path, "users", "add", "pepe", "--role", "contribuyente",
                   "--agency", "UNHCR") == 0  # fmt: skip
    assert (tmp_path / "acervo.db").is_file()  # beside the index folder
    capsys.readouterr()
    assert _acervo(tmp_path, "users", "list") == 0
    listing = capsys.readouterr().out
    assert "pepe" in listing and "contribuyente" in listing and "ACNUR" in listing
    assert _acervo(tmp_path, "users", "token", "pepe") == 0
    token = capsys.readouterr().out.strip()
    conn = db.connect(tmp_path / "acervo.db")
    assert accounts.user_for_token(conn, token).name == "pepe"
    assert _acervo(tmp_path, "users", "disable", "pepe") == 0
    assert accounts.user_for_token(conn, token) is None
    capsys.readouterr()
    assert _acervo(tmp_path, "audit") == 0
    log = capsys.readouterr().out
    assert "user.disabled" in log and "user.token" in log and token not in log


def test_cli_set_password_reads_standard_input_never_an_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    _acervo(tmp_path, "users", "add", "ana", "--role", "admin")
    monkeypatch.setattr("sys.stdin", io.StringIO("una contraseña larga\n"))
    assert _acervo(tmp_path, "users", "set-password", "ana") == 0
    conn = db.connect(tmp_path / "acervo.db")
    assert accounts.authenticate(conn, "ana", "una contraseña larga") is not None
    with pytest.raises(SystemExit):  # there is no option to pass it
        _acervo(tmp_path, "users", "set-password", "ana", "--password", "x")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("users", "add", "ana", "--role", "contribuyente", "--agency", "FOO"),
            "Agencia desconocida",
        ),
        (("users", "disable", "nadie"), "No existe el usuario «nadie»"),
        (("users", "token", "nadie"), "No existe el usuario «nadie»"),
    ],
)
def test_cli_user_errors_are_messages_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert _acervo(tmp_path, *args) == 2
    assert message in capsys.readouterr().err
