"""Need-to-know: who may see which owned object. The one visibility filter lives here."""
