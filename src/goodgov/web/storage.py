"""Static files as production serves them: whitenoise's compressed, hashed copies.

Hashed names may be cached for ever; Django rewrites the names each CSS file refers to,
and here also the modules each JavaScript module imports (``init.js`` imports GOV.UK
Frontend and the session timeout warning by relative path). Without that, those two
kept their plain names and whitenoise let browsers keep them for only a minute, so a
visit a minute later on a slow line waited for two more round trips.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
