// Management screens: the template editor's live preview and the query editor's syntax check.
// Both ask the server (the same checks as on save); the forms work without this file.
(() => {
  const csrf = () => document.querySelector('input[name="csrf_token"]')?.value || "";
  const debounce = (fn, ms) => {
    let t;
    return (...a) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...a), ms);
    };
  };
  const post = async (url, fields) => {
    const res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf() },
      body: new URLSearchParams(fields),
    });
    return res.ok ? res.json() : null;
  };

  const body = document.querySelector("textarea[data-preview]");
  if (body) {
    const out = document.getElementById("template-preview");
    const len = document.getElementById("template-length");
    const update = debounce(async () => {
      const data = await post(body.dataset.preview, { body: body.value });
      if (!data) return;
      out.textContent = data.error ? data.error : data.text;
      out.classList.toggle("error-text", Boolean(data.error));
      len.textContent = data.error ? "" : (len.dataset.template || "%(n)s").replace("%(n)s", data.length);
    }, 300);
    body.addEventListener("input", update);
  }

  for (const field of document.querySelectorAll("textarea[data-query-check], input[data-query-check]")) {
    const out = document.getElementById(field.dataset.target);
    const check = debounce(async () => {
      const data = await post(field.dataset.queryCheck, { expression: field.value });
      if (!data) return;
      out.textContent = data.ok ? out.dataset.ok : `${data.message}\n${data.pointer}`;
      out.className = data.ok ? "check-ok" : "pointer error-text";
      field.setAttribute("aria-invalid", data.ok ? "false" : "true");
    }, 250);
    field.addEventListener("input", check);
  }
})();
