"""Hostile texts a shopper or merchant could type: markup that would run if shown unescaped, SQL, template syntax."""

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
SVG = '"><svg onload=window.__xss=3>'
SQL = "'; DROP TABLE members;--"
TEMPLATE = "${7*7}{{7*7}}"

# Markup a text could turn into in the widget (its own icons are <svg class="lw-icon">, its script tag has a src),
# and a page function counting it in the document and the widget's shadow root: `page.evaluate(COUNT_INJECTED,
# INJECTED)`.
INJECTED = "img, iframe, object, embed, script:not([src]), svg:not(.lw-icon), [onerror], [onload]"
COUNT_INJECTED = """sel => {
  const host = document.getElementById('loyalty-widget');
  return [document, host && host.shadowRoot].filter(Boolean).map(root => root.querySelectorAll(sel).length);
}"""
