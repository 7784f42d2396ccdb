"""Group sessions for workshop facilitators and class mode for lecturers (docs/sessions.md).

``kesos session serve`` runs the participant server (:mod:`kesos.session.server`); the
facilitator's controls are :mod:`kesos.session.facilitator`; storage is
:mod:`kesos.session.store` (SQLite or PostgreSQL). Nothing here is imported by ``import kesos``.
"""
