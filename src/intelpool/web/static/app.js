// intelpool: the little the pages need beyond htmx (no inline script anywhere).
"use strict";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const box = document.getElementById("q");
    if (box) { event.preventDefault(); box.focus(); }
  }
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.dataset.selectAll) {
    document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)
      .forEach((other) => { other.checked = box.checked; });
  }
});
function wireDropzone(zone) {
  const input = zone.querySelector("input[type=file]");
  const label = zone.querySelector("[data-file-name]");
  const show = () => { if (label && input.files.length) label.textContent = input.files[0].name; };
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault(); zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
  });
  input.addEventListener("change", show);
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".dropzone").forEach(wireDropzone);
});
