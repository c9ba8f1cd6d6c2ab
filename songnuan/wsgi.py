import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songnuan.settings")
application = get_wsgi_application()

from songnuan.people.checks import require_field_encryption_key  # noqa: E402
from songnuan.settings import require_secret_key  # noqa: E402

require_secret_key()
require_field_encryption_key()


def warm_up() -> None:
    """Load what the first requests would otherwise load while a caller waits: every view
    module, the translation catalogues and the served city's district outlines (one read of
    the city's code; warm_person_index closes the connection before any worker is forked)."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils.translation import trans_real

    from songnuan.geo.districts import current_districts

    get_resolver().url_patterns  # noqa: B018 (imports every view and the API)
    trans_real.translation(settings.LANGUAGE_CODE)  # reads and merges every app's catalogue
    current_districts()
    warm_person_index()


def warm_person_index() -> None:
    """Build the index of person files for duplicate suggestions, which takes seconds on a
    large city. The connection is closed afterwards so that no forked worker shares it; an
    unmigrated database leaves the index to be built on the first person page instead."""
    from django.db import DatabaseError, connections

    from songnuan.tracing.person_index import persons

    try:
        persons.warm()
    except DatabaseError:
        persons.clear()
    finally:
        connections.close_all()


warm_up()
