/**
 * The page's stylesheet: system fonts, light and dark palettes (`prefers-color-scheme`), status
 * colours with at least 4.5:1 contrast on their background (WCAG 2.1 AA), one column on a phone.
 */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0;
--up:#116329;--degraded:#7d4e00;--down:#b42318;--unknown:#59636e;--link:#0550ae}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--line:#3d444d;
--up:#56d364;--degraded:#e3b341;--down:#ff7b72;--unknown:#9198a1;--link:#79c0ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:1.5rem 0 .5rem}h3{font-size:1.15rem;margin:0}
h4{font-size:.95rem;margin:1rem 0 .25rem;color:var(--muted)}
.muted{color:var(--muted)}
.env{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.env-head{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline}
.status{font-weight:600;white-space:nowrap}
.status::before{display:inline-block;width:1.2em;text-align:center;margin-right:.15em}
.s-up{color:var(--up)}.s-up::before{content:"✓"}
.s-degraded{color:var(--degraded)}.s-degraded::before{content:"!"}
.s-down{color:var(--down)}.s-down::before{content:"✕"}
.s-unknown{color:var(--unknown)}.s-unknown::before{content:"?"}
dl.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.25rem 1rem;margin:.5rem 0}
dl.facts div{min-width:0}dl.facts dt{color:var(--muted);font-size:.85rem}dl.facts dd{margin:0;overflow-wrap:anywhere}
.chart{margin:0}.chart svg{width:100%;height:5rem;display:block}
.chart .line{stroke:var(--link);stroke-width:2}.chart .axis{stroke:var(--line)}
.chart figcaption{font-size:.85rem;color:var(--muted)}
ol.strip{display:flex;gap:2px;list-style:none;padding:0;margin:.25rem 0;flex-wrap:wrap}
ol.strip li{width:8px;height:1.5rem;border-radius:2px;background:var(--unknown)}
ol.strip li.c-up{background:var(--up)}ol.strip li.c-degraded{background:var(--degraded)}ol.strip li.c-down{background:var(--down)}
ol.strip li.c-degraded,ol.strip li.c-down{height:1.5rem;outline:1px solid var(--fg)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
@media (max-width:40rem){table.components thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.components tr,table.components th,table.components td{display:block;border:0;padding:.1rem 0}
table.components tr{border-bottom:1px solid var(--line);padding:.5rem 0}
table.components td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
ul.incidents{padding-left:1.2rem;margin:.25rem 0}
footer{color:var(--muted);font-size:.9rem}
ul.counts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;list-style:none;padding:0;margin:.25rem 0}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0}
form.filter label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
form.filter input,form.filter select,form.filter button{font:inherit;max-width:100%}
nav.pager{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:.75rem 0}
`
