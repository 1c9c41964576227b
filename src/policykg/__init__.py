"""policykg: citations, bodies and mandates of UN drug-policy texts, with exact provenance."""

from .errors import PolicyKGError, SourceError
from .models import Extraction, Finding, Instrument, Mandate, Mention, Paragraph
from .pipeline import corpus_findings, extract_file, extract_paths, extract_text
from .sources import clean, read_source

__all__ = [
    "Extraction",
    "Finding",
    "Instrument",
    "Mandate",
    "Mention",
    "Paragraph",
    "PolicyKGError",
    "SourceError",
    "clean",
    "corpus_findings",
    "extract_file",
    "extract_paths",
    "extract_text",
    "read_source",
]
__version__ = "0.1.0"
