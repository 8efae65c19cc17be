// intelpool: ECharts from each [data-chart] element's figures (SVG, no animation).
"use strict";
function drawChart(box) {
  if (typeof echarts === "undefined" || box.dataset.drawn) return;
  const spec = JSON.parse(box.dataset.chart);
  const spark = spec.spark === true;
  const chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: spark ? undefined : { trigger: "axis" },
    legend: spark || spec.series.length < 2 ? undefined : { type: "scroll", top: 0 },
    grid: spark ? { left: 2, right: 2, top: 2, bottom: 2 }
      : { left: 48, right: 16, top: 36, bottom: 64, containLabel: false },
    xAxis: { type: "category", data: spec.categories, show: !spark,
             axisLabel: { rotate: spec.categories.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", show: !spark, minInterval: 1 },
    series: spec.series.map((s) => ({
      name: s.name, type: spec.kind, data: s.data, connectNulls: false,
      symbol: spark ? "none" : "circle", showSymbol: !spark,
    })),
  });
  box.dataset.drawn = "yes";
  window.addEventListener("resize", () => chart.resize());
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach(drawChart);
});
document.addEventListener("htmx:afterSettle", (event) => {
  event.target.querySelectorAll("[data-chart]").forEach(drawChart);
});
