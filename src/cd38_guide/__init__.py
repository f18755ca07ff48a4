"""cd38-guide: offline, citation-grounded decision support for anti-CD38 antibodies in RRMM."""

__version__ = "0.1.0"
