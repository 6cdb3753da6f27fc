// The inbox's own enhancements; the page works without this file (Refresh link, plain forms).
(() => {
  const box = document.getElementById("arrivals");
  if (box && box.dataset.poll) {
    const count = box.querySelector(".arrivals-count");
    const poll = async () => {
      const sep = box.dataset.poll.includes("?") ? "&" : "?";
      try {
        const res = await fetch(`${box.dataset.poll}${sep}after=${box.dataset.newest}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!res.ok) return;
        const data = await res.json();
        if (data.count > 0) {
          count.textContent = box.dataset.template
            ? box.dataset.template.replace("%(n)s", data.count)
            : `${data.count} new`;
          count.hidden = false;
          box.classList.add("has-new");
        }
      } catch (_) {
        // offline or signed out: keep the Refresh link
      }
    };
    setTimeout(poll, 3000);
    setInterval(poll, 15000);
  }
  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    document.querySelector("[data-select-all-label]").hidden = false;
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll('input[name="ids"][form="bulk"]')) box.checked = all.checked;
    });
  }
})();
