"""The hand-made corpus of the search tests: Spanish and English, multi-page, two agencies,
hostile markup, a very long page. Ids are 16 hex digits, as the ingestion pipeline makes them.
"""

from __future__ import annotations

from acervo.ingest.models import ExtractedDocument, Metadata, Page


def make_doc(
    doc_id: str,
    pages: list[str],
    title: str = "",
    agencies: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    year: int | None = None,
    language: str = "es",
    doc_type: str = "informe",
    paths: tuple[str, ...] | None = None,
) -> ExtractedDocument:
    """An ExtractedDocument as the ingestion pipeline would hand it over."""
    return ExtractedDocument(
        doc_id=doc_id,
        sha256=doc_id * 4,
        paths=paths or (f"/corpus/{doc_id}.pdf",),
        format="pdf",
        size=1000,
        pages=[Page(number=n, text=text) for n, text in enumerate(pages, start=1)],
        metadata=Metadata(
            title=title or f"Documento {doc_id}",
            agencies=agencies,
            topics=topics,
            year=year,
            language=language,
            doc_type=doc_type,
        ),
    )


# The corpus of every test: ids are 16 hex digits, as the pipeline makes them.
CARCHI = "a000000000000001"
QUITO = "a000000000000002"
ENGLISH = "a000000000000003"
HOSTILE = "a000000000000004"
LONG = "a000000000000005"
FILLER_COUNT = 12
FILLERS = tuple(f"f{n:015d}" for n in range(FILLER_COUNT))

DOCS: tuple[ExtractedDocument, ...] = (
    make_doc(
        CARCHI,
        [
            "Diagnóstico rápido de la situación de las familias en la provincia de Carchi.",
            "Las niñas venezolanas enfrentan barreras de acceso a la escuela en Carchi.",
            "Recomendaciones sobre matrícula y protección de la infancia.",
        ],
        title="Niñas venezolanas en Carchi",
        agencies=("ACNUR", "OIM"),
        topics=("educacion", "proteccion-infancia"),
        year=2019,
        doc_type="diagnostico",
    ),
    make_doc(
        QUITO,
        [
            "Informe de salud sobre la atención médica de migrantes en Quito.",
            "La vacunación de niños aumentó en Quito; la escuela sigue pendiente.",
        ],
        title="Salud de migrantes en Quito",
        agencies=("UNICEF",),
        topics=("salud",),
        year=2021,
    ),
    make_doc(
        ENGLISH,
        [
            "Evaluation of the protection response for refugees in Ecuador.",
            "Access to schools and asylum procedures for refugees in Huaquillas.",
        ],
        title="Protection response evaluation",
        agencies=("ACNUR",),
        topics=("proteccion",),
        year=2020,
        language="en",
        doc_type="evaluacion",
    ),
    make_doc(
        HOSTILE,
        ["Texto con <script>alert(1)</script> & <b>símbolos</b>: movilidad en Sucumbíos."],
        title="<script>alert(1)</script> Movilidad",
        agencies=("OIM",),
        topics=("general",),
        year=2022,
        doc_type="estudio",
    ),
    make_doc(
        LONG,
        ["Introducción. " + "Palabra de relleno sin interés. " * 3000 + "Huaquillas al final."],
        title='=HYPERLINK("http://x") Un documento muy largo',
        agencies=("PMA",),
        topics=("seguridad-alimentaria",),
        year=2018,
    ),
    *(
        make_doc(
            doc_id,
            [f"Estudio {n} sobre la escuela de adolescentes en Manabí.", "Anexos y tablas."],
            title=f"Estudio escolar {n:02d}",
            agencies=("UNICEF",) if n % 2 else ("OIM",),
            topics=("educacion",),
            year=2015 + n % 4,
            doc_type="estudio",
        )
        for n, doc_id in enumerate(FILLERS)
    ),
)
