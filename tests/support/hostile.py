"""Hostile texts a shopper or merchant could type: markup that would run if shown unescaped, SQL, template syntax."""

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
SVG = '"><svg onload=window.__xss=3>'
SQL = "'; DROP TABLE members;--"
TEMPLATE = "${7*7}{{7*7}}"
