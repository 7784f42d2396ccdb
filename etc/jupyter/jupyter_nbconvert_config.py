# nbconvert configuration for this course: `jupyter nbconvert --to webpdf` with the system Chromium.
#
#   jupyter nbconvert --to webpdf --config etc/jupyter/jupyter_nbconvert_config.py notebooks/en/04_roles.ipynb
#   (or: export JUPYTER_CONFIG_PATH="$PWD/etc/jupyter", then plain `jupyter nbconvert --to webpdf ...`)
#
# nbconvert's WebPDFExporter launches Playwright's Chromium and has no setting for another browser;
# kesos.handout.use_system_chromium() makes Playwright use the system one (KESOS_CHROMIUM,
# /usr/bin/chromium, chromium/google-chrome on PATH) — the same finder as bootstrap.py and the tests.
# See docs/handouts.md.
c = get_config()  # noqa: F821

try:
    from kesos.handout import use_system_chromium
except ImportError:  # kesos not importable here: nbconvert falls back to Playwright's own browser
    pass
else:
    use_system_chromium()

# Chromium's sandbox does not start as root or in most containers (Binder, CI).
c.WebPDFExporter.disable_sandbox = True
