"""Who may see which document: the one rule, applied by the Searcher before anything is counted.

A document has a visibility (from its sidecar or `_metadata.csv`, else the configured default):
- `publico`: everyone, anonymous visitors included;
- `miembros`: any logged-in user;
- `agencia`: members of one of the document's agencies, and curators.
and may have a status kept in the database (acervo/moderation.py): `pendiente` (an upload
waiting for review) and `rechazado` are seen by their uploader and curators only, `retirado`
(withdrawn) by curators only. Curators and administrators see everything; so does a shell user
of the CLI (`acervo search`, unless `--as USER`).

`Access` is what a Searcher is opened with (IndexStore.open_searcher(access)); the Searcher
turns it into the set of hidden documents once and leaves them out of the candidate set, so
totals, facet counts, the year histogram, suggestions, similar documents, exports and the
document page all agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from acervo.ingest.models import VISIBILITIES

PUBLIC, MEMBERS, AGENCY = VISIBILITIES
PENDING, REJECTED, WITHDRAWN = "pendiente", "rechazado", "retirado"
STATUSES: tuple[str, ...] = (PENDING, REJECTED, WITHDRAWN)


@dataclass(frozen=True)
class Viewer:
    """Who is asking. The default is an anonymous visitor."""

    name: str | None = None  # user name; None for an anonymous visitor
    agencies: frozenset[str] = frozenset()  # agency codes the user is a member of
    sees_all: bool = False  # curators, administrators, the shell user

    @property
    def anonymous(self) -> bool:
        return self.name is None


ANONYMOUS = Viewer()
SHELL = Viewer(name="(shell)", sees_all=True)


@dataclass(frozen=True)
class DocStatus:
    status: str  # one of STATUSES
    owner: str | None = None  # the uploader


@dataclass(frozen=True)
class Access:
    """A viewer, the documents' statuses (doc_id -> DocStatus) and the default visibility."""

    viewer: Viewer = ANONYMOUS
    statuses: Mapping[str, DocStatus] = field(default_factory=dict)
    default_visibility: str = PUBLIC

    def may_see(self, visibility: str, agencies: Iterable[str], doc_id: str) -> bool:
        """Whether the viewer may see a document with this stored visibility ("" = default)."""
        viewer = self.viewer
        if viewer.sees_all:
            return True
        status = self.statuses.get(doc_id)
        if status is not None and (status.status == WITHDRAWN or viewer.name != status.owner):
            return False
        visibility = visibility or self.default_visibility
        if visibility == PUBLIC:
            return True
        if viewer.anonymous:
            return False
        if visibility == AGENCY:
            return not viewer.agencies.isdisjoint(agencies)
        return visibility == MEMBERS  # an unknown value hides the document: fail closed


EVERYTHING = Access(viewer=SHELL)


def check_visibility(value: str) -> str:
    """`value` if it is a visibility, else ValueError with the valid ones (sidecars, forms)."""
    if value not in VISIBILITIES:
        raise ValueError(
            f"Visibilidad desconocida «{value}»: use una de {', '.join(VISIBILITIES)}."
        )
    return value
