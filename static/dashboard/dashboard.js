/*
 * Leadership dashboard: draws the charts from the JSON the page embeds (#dashboard-charts)
 * with Apache ECharts (static/vendor/echarts). No inline script or handler: the page works,
 * tables included, without this file; with it, each chart container is shown and drawn,
 * and a click on a bar or point opens the projects behind it.
 */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data) {
    return;
  }

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  var LIGHT_COLOURS = {
    green: "#2e7d32",
    yellow: "#e0a100",
    red: "#c62828",
    completed: "#1565c0",
    not_started: "#9aa3ad",
    suspended: "#5f6770",
    terminated: "#3b3f45"
  };
  var SERIES_COLOURS = ["#1a4f9c", "#2e7d32", "#e0a100", "#c62828"];
  var locale = document.documentElement.lang === "en" ? "EN" : "ZH";

  function base() {
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true }
    };
  }

  function lightSeries(block, extra) {
    return block.lights.map(function (series) {
      return Object.assign(
        {
          type: "bar",
          name: series.name,
          stack: "lights",
          data: series.values,
          itemStyle: { color: LIGHT_COLOURS[series.key] },
          emphasis: { focus: "series" }
        },
        extra || {}
      );
    });
  }

  var builders = {
    categories: function (block) {
      var option = base();
      option.xAxis = [{
        type: "category",
        data: block.labels,
        axisLabel: { interval: 0, width: 90, overflow: "break" }
      }];
      option.yAxis = [
        { type: "value", name: block.axis.count, minInterval: 1 },
        { type: "value", name: block.axis.percent, min: 0, max: 100, splitLine: { show: false } }
      ];
      option.series = lightSeries(block).concat([{
        type: "line",
        name: block.progress.name,
        yAxisIndex: 1,
        data: block.progress.values,
        symbolSize: 8,
        itemStyle: { color: "#14213d" },
        lineStyle: { width: 2 }
      }]);
      return option;
    },

    departments: function (block) {
      var option = base();
      option.grid.top = 56;
      option.yAxis = [{
        type: "category",
        data: block.labels,
        inverse: true,
        axisLabel: { interval: 0, width: 130, overflow: "truncate" }
      }];
      option.xAxis = [
        { type: "value", name: block.axis.percent, min: 0, max: 100, position: "bottom" },
        { type: "value", name: block.axis.points, min: 0, position: "top", splitLine: { show: false } }
      ];
      option.series = block.series.map(function (series, index) {
        return {
          type: "bar",
          name: series.name,
          data: series.values,
          xAxisIndex: series.key === "lag" ? 1 : 0,
          barMaxWidth: 10,
          itemStyle: { color: SERIES_COLOURS[index % SERIES_COLOURS.length] }
        };
      });
      return option;
    },

    areas: function (block) {
      var option = base();
      option.xAxis = [{
        type: "category",
        data: block.labels,
        axisLabel: { interval: 0, rotate: block.labels.length > 8 ? 35 : 0 }
      }];
      option.yAxis = [{ type: "value", name: block.axis.count, minInterval: 1 }];
      option.series = lightSeries(block);
      return option;
    },

    trend: function (block) {
      var option = base();
      option.xAxis = [{ type: "category", data: block.labels, boundaryGap: true }];
      option.yAxis = [
        { type: "value", name: block.axis.percent, min: 0, max: 100 },
        { type: "value", name: block.axis.money, splitLine: { show: false } }
      ];
      option.series = [
        {
          type: "bar",
          name: block.funds.name,
          yAxisIndex: 1,
          data: block.funds.values,
          barMaxWidth: 28,
          itemStyle: { color: "#9cb8e0" }
        },
        {
          type: "line",
          name: block.progress.name,
          data: block.progress.values,
          symbolSize: 8,
          itemStyle: { color: "#1a4f9c" },
          lineStyle: { width: 3 }
        },
        {
          type: "line",
          name: block.weighted.name,
          data: block.weighted.values,
          symbolSize: 6,
          itemStyle: { color: "#2e7d32" },
          lineStyle: { type: "dashed" }
        }
      ];
      return option;
    },

    behind: function (block) {
      var option = base();
      option.yAxis = [{
        type: "category",
        data: block.labels,
        inverse: true,
        axisLabel: { interval: 0, width: 220, overflow: "truncate" }
      }];
      option.xAxis = [{ type: "value", name: block.axis.percent, min: 0, max: 100 }];
      option.series = [
        {
          type: "bar",
          name: block.expected.name,
          data: block.expected.values,
          barMaxWidth: 10,
          itemStyle: { color: "#9aa3ad" }
        },
        {
          type: "bar",
          name: block.actual.name,
          data: block.actual.values,
          barMaxWidth: 10,
          itemStyle: { color: "#c62828" }
        }
      ];
      return option;
    }
  };

  // Where a click on a bar or point of each chart goes (the same link as in the table).
  function linkFor(name, block, params) {
    if (block.lights && params.componentSubType === "bar" && block.lights[params.seriesIndex]) {
      return block.lights[params.seriesIndex].links[params.dataIndex];
    }
    return block.links ? block.links[params.dataIndex] : "";
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (element) {
    var name = element.getAttribute("data-chart");
    var block = data[name];
    if (!block || !builders[name] || !block.labels || block.labels.length === 0) {
      return;
    }
    var figure = element.closest("[data-chart-figure]");
    if (figure) {
      figure.hidden = false;
    }
    if (name === "departments") {
      element.style.height = Math.max(260, 80 + block.labels.length * 44) + "px";
    }
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: locale });
    chart.setOption(builders[name](block));
    chart.on("click", function (params) {
      var url = linkFor(name, block, params);
      if (url) {
        window.location.href = url;
      }
    });
    element.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    }, 150);
  });
})();
