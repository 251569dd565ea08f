"""negdocs: negotiation playbooks as code.

YAML deal plans in, checked HTML and PDF playbooks out. The public surface is small:
:func:`negdocs.build.build`, :func:`negdocs.build.check` and the error types in
:mod:`negdocs.errors`.
"""

__version__ = "0.1.0"
FORMAT_VERSION = "negdocs/v1"
