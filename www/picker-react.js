// A React 18 form with a controlled code field: React owns the value (useState), and only its
// onChange updates it. The code picker must get its picks through React's change tracking.
window.startReactForm = function () {
  "use strict";
  var h = React.createElement;
  function ProblemForm() {
    var dx = React.useState(""), picked = React.useState(null), field = React.useRef(null);
    React.useEffect(function () {
      var input = field.current;
      function onSelect(event) { picked[1](event.detail); }
      input.addEventListener("codecard:select", onSelect);
      return function () { input.removeEventListener("codecard:select", onSelect); };
    }, []);
    return h("form", null,
      h("p", null,
        h("label", { htmlFor: "rdx" }, "Problem (ICD-10-CM)"),
        h("input", {
          id: "rdx", name: "rdx", ref: field, value: dx[0], "data-codecard-picker": "icd10cm",
          onChange: function (event) { dx[1](event.target.value); },
        })),
      h("p", null, "React state: ", h("output", { id: "react-state" }, JSON.stringify(dx[0]))),
      h("p", null, "Coding: ", h("output", { id: "react-coding" }, picked[0] ? JSON.stringify(picked[0].coding) : "")));
  }
  ReactDOM.createRoot(document.getElementById("root")).render(h(ProblemForm));
};
