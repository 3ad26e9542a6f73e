"""From a Handout to HTML and PDF: templates, fonts, fingerprints, RenderOptions."""
