"""The Jinja templates, shipped in the generator's distribution as kiwoom_codegen.templates."""
