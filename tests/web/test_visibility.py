"""Access is enforced in the search layer: on a real index on disk, served by waitress, a
document a viewer may not see is absent from every surface, counts included, and present for a
viewer who may see it.

Five documents on one subject ("frontera"), each a real PDF:
    PUB   no visibility in its sidecar: the default, publico
    MEM   miembros                       (and the only one with the word "zanahoriazo")
    AGE   agencia, by ACNUR; a later version of PUB (near duplicate)
    WDR   publico, but withdrawn by a curator (database status)
    PEND  publico, uploaded by pepe and pending review (database status)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import docx
import openpyxl
import pytest
import waitress
from fpdf import FPDF

from acervo import accounts, db, moderation
from acervo.cli import main
from acervo.ingest.models import ExtractedDocument, LessonRecord, Metadata, Page
from acervo.search.indexer import IndexStore
from acervo.web import create_app

COMMON = (
    "La frontera norte recibe familias migrantes y refugiadas que necesitan protección, "
    "educación, salud y documentos. Las agencias coordinan la respuesta humanitaria en la "
    "frontera con albergues, transporte y orientación legal para las familias migrantes."
)
DOCS: dict[str, tuple[str, str, int, str, str]] = {
    # key: (title, agency, year, visibility, own words)
    "PUB": ("Informe público de la frontera", "UNICEF", 2018, "", "Monitoreo de albergues."),
    "MEM": ("Estudio para miembros de la frontera", "OIM", 2019, "miembros", "El zanahoriazo."),
    "AGE": ("Evaluación reservada de la frontera", "ACNUR", 2020, "agencia", "Mandarinazo."),
    "WDR": ("Documento retirado de la frontera", "PMA", 2021, "", "Retirado por datos."),
    "PEND": ("Subida pendiente sobre la frontera", "UNICEF", 2022, "", "Pendiente de revisión."),
}
# viewer -> the documents it may see
VISIBLE: dict[str, set[str]] = {
    "anon": {"PUB"},
    "lola": {"PUB", "MEM"},  # lector
    "acnur": {"PUB", "MEM", "AGE"},  # contribuyente of ACNUR
    "pepe": {"PUB", "MEM", "PEND"},  # contribuyente of UNICEF, the uploader of PEND
    "cura": set(DOCS),  # curador
}
USERS = {
    "lola": ("lector", ()),
    "acnur": ("contribuyente", ("ACNUR",)),
    "pepe": ("contribuyente", ("UNICEF",)),
    "cura": ("curador", ()),
}
VIEWERS = list(VISIBLE)


@dataclass(frozen=True)
class Site:
    url: str
    index_dir: Path
    database: Path
    ids: dict[str, str]  # key -> doc id
    tokens: dict[str, str]  # viewer -> API token

    def key(self, doc_id: str) -> str:
        return next(k for k, v in self.ids.items() if v == doc_id)


def _pdf(path: Path, text: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path.read_bytes()


def _documents(folder: Path) -> list[ExtractedDocument]:
    docs: list[ExtractedDocument] = []
    for key, (title, agency, year, visibility, own) in DOCS.items():
        text = f"{title}. {COMMON} {own}"
        content = _pdf(folder / f"{key.lower()}.pdf", text)
        sha = hashlib.sha256(content).hexdigest()
        meta = Metadata(
            title=title,
            agencies=(agency,),
            topics=("proteccion",),
            year=year,
            language="es",
            doc_type="informe",
            visibility=visibility,
        )
        near = (docs[0].doc_id,) if key == "AGE" else ()  # a later version of PUB
        record = LessonRecord(
            code="LA1_GN",
            area="proteccion",
            title=f"Lección {key} sobre la frontera",
            text=f"Lección {key} sobre la frontera: coordinar albergues y orientación legal.",
            lesson_type="positiva",
        )
        docs.append(
            ExtractedDocument(
                doc_id=sha[:16],
                sha256=sha,
                paths=(str(folder / f"{key.lower()}.pdf"),),
                format="pdf",
                size=len(content),
                pages=[Page(1, text)],
                metadata=meta,
                near_duplicates=near,
                records=(record,),
            )
        )
    return docs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("visibility")
    (root / "files").mkdir()
    docs = _documents(root / "files")
    IndexStore(root / "index").update(add=docs, remove=())
    ids = {key: doc.doc_id for key, doc in zip(DOCS, docs, strict=True)}
    database = db.default_path(root / "index")  # where the CLI looks too
    conn = db.connect(database)
    tokens = {}
    for name, (role, agencies) in USERS.items():
        accounts.add_user(conn, name, role, agencies)
        tokens[name] = accounts.new_token(conn, name)
    moderation.withdraw(conn, ids["WDR"], by="cura")
    moderation.set_pending(conn, ids["PEND"], uploader="pepe")
    conn.close()
    app = create_app({"INDEX_DIR": root / "index", "DATABASE": database, "TESTING": True})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.effective_port}", root / "index", database, ids, tokens)
    server.close()
    thread.join(timeout=5)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict:
        return json.loads(self.body)


class Browser:
    """One viewer on the real server: its token (none when anonymous) and its cookies."""

    def __init__(self, site: Site, viewer: str) -> None:
        self.site, self.viewer = site, viewer
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, **query: str) -> Reply:
        url = self.site.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        return self._send(urllib.request.Request(url))

    def post(self, path: str, form: dict[str, str]) -> Reply:
        data = urllib.parse.urlencode(form).encode()
        return self._send(urllib.request.Request(self.site.url + path, data=data))

    def _send(self, request: urllib.request.Request) -> Reply:
        token = self.site.tokens.get(self.viewer)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read())


def titles_in(text: str) -> set[str]:
    return {key for key, (title, *_rest) in DOCS.items() if title in text}


# ---- search: hits, totals, facets, the year histogram, the page's count ----------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_search_hits_total_and_facet_counts_hold_only_what_the_viewer_may_see(
    site: Site, viewer: str
) -> None:
    result = Browser(site, viewer).get("/api/search", q="frontera").json()
    assert {site.key(hit["id"]) for hit in result["hits"]} == VISIBLE[viewer]
    assert result["total"] == len(VISIBLE[viewer])
    agencies = {v["value"]: v["count"] for v in result["facets"]["agency"]}
    years = {v["value"]: v["count"] for v in result["facets"]["year"]}  # the histogram's bars
    assert set(agencies) == {DOCS[k][1] for k in VISIBLE[viewer]}
    assert sum(agencies.values()) == len(VISIBLE[viewer])
    assert set(years) == {str(DOCS[k][2]) for k in VISIBLE[viewer]}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_search_page_lists_and_counts_only_what_the_viewer_may_see(
    site: Site, viewer: str
) -> None:
    page = Browser(site, viewer).get("/", q="frontera").text
    assert titles_in(page) == VISIBLE[viewer]
    n = len(VISIBLE[viewer])
    assert f"{n} documento{'s' if n != 1 else ''} indexado" in page  # the footer's index size
    histogram = Browser(site, viewer).get("/", q="").text
    last = max(DOCS[key][2] for key in VISIBLE[viewer])  # empty years between bars are drawn
    for key, (_title, _agency, year, *_rest) in DOCS.items():
        if key in VISIBLE[viewer] or year > last:
            assert (f'data-year="{year}"' in histogram) == (key in VISIBLE[viewer]), key


def test_a_filter_on_a_hidden_agency_finds_nothing_and_counts_nothing(site: Site) -> None:
    result = Browser(site, "anon").get("/api/search", q="frontera", agency="ACNUR").json()
    assert result["total"] == 0
    assert [v["count"] for v in result["facets"]["agency"] if v["value"] == "ACNUR"] in ([], [0])


@pytest.mark.parametrize("viewer", ["anon", "pepe", "cura"])
def test_a_records_search_and_its_compendium_hold_only_visible_documents_records(
    site: Site, viewer: str
) -> None:
    browser = Browser(site, viewer)
    result = browser.get("/api/search", q="frontera", resultado="registros").json()
    assert {site.key(hit["id"]) for hit in result["hits"]} == VISIBLE[viewer]
    assert result["total"] == len(VISIBLE[viewer])
    compendium = browser.get("/compendio.docx", q="frontera", resultado="registros")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(compendium.body)).paragraphs)
    text += "".join(c.text for t in docx.Document(io.BytesIO(compendium.body)).tables
                    for row in t.rows for c in row.cells)  # fmt: skip
    assert {key for key in DOCS if f"Lección {key} " in text} == VISIBLE[viewer]


# ---- "¿Quiso decir…?" and spelling corrections ------------------------------------------------


@pytest.mark.parametrize(("viewer", "corrected"), [("anon", False), ("lola", True), ("cura", True)])
def test_a_correction_never_reveals_a_word_only_hidden_documents_contain(
    site: Site, viewer: str, corrected: bool
) -> None:
    browser = Browser(site, viewer)
    result = browser.get("/api/search", q="zanahoriazzo").text  # misspelt, as typed
    page = browser.get("/", q="zanahoriazzo").text
    suggestion_page = browser.get("/", q="zanahoriazzo", corregir="0").text
    for text in (result, page, suggestion_page):
        assert ("zanahoriazo" in text.replace("zanahoriazzo", "")) is corrected
    if corrected:
        assert {site.key(h["id"]) for h in json.loads(result)["hits"]} == {"MEM"}


def test_a_hidden_documents_word_is_said_to_be_in_no_document(site: Site) -> None:
    anon = Browser(site, "anon").get("/", q="mandarinazo")
    assert anon.status == 200 and "Evaluación reservada" not in anon.text
    assert Browser(site, "acnur").get("/api/search", q="mandarinazo").json()["total"] == 1


# ---- más como este, versions and editions, the document page, the file -----------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_more_like_this_lists_only_visible_documents(site: Site, viewer: str) -> None:
    hits = Browser(site, viewer).get(f"/api/similar/{site.ids['PUB']}").json()["hits"]
    shown = {site.key(hit["id"]) for hit in hits}
    assert shown <= VISIBLE[viewer] - {"PUB"}
    if viewer == "cura":
        assert shown == set(DOCS) - {"PUB"}  # the others are found when they may be seen


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_hidden_documents_page_file_and_similar_are_404(site: Site, viewer: str) -> None:
    browser = Browser(site, viewer)
    for key, doc_id in site.ids.items():
        expected = 200 if key in VISIBLE[viewer] else 404
        assert browser.get(f"/documento/{doc_id}").status == expected, key
        assert browser.get(f"/documento/{doc_id}/archivo").status == expected, key
        assert browser.get(f"/api/similar/{doc_id}").status == expected, key


@pytest.mark.parametrize(("viewer", "sees"), [("anon", False), ("lola", False), ("acnur", True)])
def test_versions_of_a_document_are_named_only_when_visible(
    site: Site, viewer: str, sees: bool
) -> None:
    browser = Browser(site, viewer)
    hits = browser.get("/api/search", q="informe frontera").json()["hits"]
    public = next(h for h in hits if h["id"] == site.ids["PUB"])
    assert (site.ids["AGE"] in json.dumps(public.get("similar", []))) is sees
    page = browser.get(f"/documento/{site.ids['PUB']}").text
    assert ("Evaluación reservada de la frontera" in page) is sees


# ---- exports, the selection and the dossier, feeds, the evidence map --------------------------


def _export_titles(reply: Reply, fmt: str) -> set[str]:
    if fmt != "xlsx":
        return titles_in(reply.text)
    book = openpyxl.load_workbook(io.BytesIO(reply.body), read_only=True)
    cells = " ".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
    )
    return titles_in(cells)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx", "ris", "bib"])
@pytest.mark.parametrize("viewer", ["anon", "acnur", "cura"])
def test_every_export_format_holds_only_what_the_viewer_may_see(
    site: Site, viewer: str, fmt: str
) -> None:
    reply = Browser(site, viewer).get(f"/export.{fmt}", q="frontera")
    assert reply.status == 200
    assert _export_titles(reply, fmt) == VISIBLE[viewer]
    if fmt == "json":
        assert reply.json()["total"] == len(VISIBLE[viewer])


def _csrf(browser: Browser) -> str:
    page = browser.get("/entrar").text
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("viewer", ["anon", "lola", "cura"])
def test_the_selection_and_the_dossier_leave_hidden_documents_out(site: Site, viewer: str) -> None:
    browser = Browser(site, viewer)
    token = _csrf(browser)
    for doc_id in site.ids.values():  # every id, as a forged form could send
        reply = browser.post("/seleccion/agregar", {"csrf_token": token, "doc_id": doc_id})
        assert reply.status == 200  # after the redirect
    assert titles_in(browser.get("/seleccion").text) == VISIBLE[viewer]
    for fmt in ("csv", "json", "xlsx"):
        assert _export_titles(browser.get(f"/seleccion/export.{fmt}"), fmt) == VISIBLE[viewer]
    dossier = docx.Document(io.BytesIO(browser.get("/seleccion/dossier.docx").body))
    assert titles_in("\n".join(p.text for p in dossier.paragraphs)) == VISIBLE[viewer]


@pytest.mark.parametrize("viewer", ["anon", "acnur"])
def test_feeds_and_the_evidence_map_count_only_visible_documents(site: Site, viewer: str) -> None:
    browser = Browser(site, viewer)
    # a search's feed is read by feed readers without a session: public documents only
    assert titles_in(browser.get("/feed.atom", q="frontera").text) == VISIBLE["anon"]
    rows = list(csv.reader(io.StringIO(browser.get("/mapa.csv", q="frontera").text)))
    numbers = [int(cell) for row in rows[1:] for cell in row[1:] if cell.isdigit()]
    assert max(numbers) <= len(VISIBLE[viewer])
    assert ("ACNUR" in browser.get("/mapa.csv", q="frontera").text) == (viewer == "acnur")


# ---- statuses take effect at once; the default visibility; the CLI --------------------------


def test_a_withdrawal_hides_a_document_at_the_next_request_and_a_restore_shows_it(
    site: Site,
) -> None:
    anon = Browser(site, "anon")
    conn = db.connect(site.database)
    moderation.withdraw(conn, site.ids["PUB"], by="cura")
    try:
        assert anon.get("/api/search", q="frontera").json()["total"] == 0
        assert anon.get(f"/documento/{site.ids['PUB']}").status == 404
        assert Browser(site, "cura").get("/api/search", q="frontera").json()["total"] == 5
    finally:
        moderation.restore(conn, site.ids["PUB"], by="cura")
    assert anon.get("/api/search", q="frontera").json()["total"] == 1


def test_a_default_visibility_of_miembros_hides_unmarked_documents_from_visitors(
    site: Site,
) -> None:
    app = create_app(
        {
            "INDEX_DIR": site.index_dir,
            "DATABASE": site.database,
            "DEFAULT_VISIBILITY": "miembros",
            "TESTING": True,
        }
    )
    client = app.test_client()
    assert client.get("/api/search?q=frontera").get_json()["total"] == 0
    lola = {"Authorization": f"Bearer {site.tokens['lola']}"}
    found = client.get("/api/search?q=frontera", headers=lola).get_json()
    assert {site.key(h["id"]) for h in found["hits"]} == {"PUB", "MEM"}


@pytest.mark.parametrize("viewer", ["lola", "acnur", None])
def test_the_cli_searches_everything_or_as_a_user(
    site: Site, viewer: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--index", str(site.index_dir), "search", "frontera", "--json"]
    assert main([*args, *(["--as", viewer] if viewer else [])]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {site.key(h["id"]) for h in result["hits"]} == VISIBLE[viewer or "cura"]
    assert main([*args, "--as", "nadie"]) == 2
    assert "No existe el usuario «nadie»" in capsys.readouterr().err


# ---- the visibility key of sidecars, through a real ingest ----------------------------------


def test_sidecar_visibility_reaches_the_index_and_a_bad_value_restricts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus" / "OIM" / "2021"
    corpus.mkdir(parents=True)
    texts = {
        "abierto.txt": ("", "publico"),
        "socios.txt": ("visibilidad: miembros\n", "miembros"),
        "typo.txt": ("visibility: privado\n", "agencia"),  # unknown: fail closed
        "english.txt": ("visibility: members\n", "miembros"),
    }
    for name, (sidecar, _expected) in texts.items():
        (corpus / name).write_text(f"Informe {name} sobre la frontera y las familias migrantes.\n")
        if sidecar:
            (corpus / f"{name}.meta.yaml").write_text(sidecar, encoding="utf-8")
    index = tmp_path / "index"
    assert main(["--index", str(index), "ingest", str(tmp_path / "corpus"), "--quiet"]) == 0
    capsys.readouterr()
    with IndexStore(index).open_searcher() as searcher:
        stored = {
            Path(searcher.document(row.doc_id).path).name: row.visibility or "publico"
            for row in searcher.table.ordered
        }
    assert stored == {name: expected for name, (_sidecar, expected) in texts.items()}
    conn = db.connect(db.default_path(index))
    accounts.add_user(conn, "lola", "lector")
    assert main(["--index", str(index), "search", "frontera", "--json", "--as", "lola"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3  # not the restricted typo
