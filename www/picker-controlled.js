// A controlled input the way React keeps one: the state owns the value, every render writes the
// state back into the field, and the state changes only from the field's 'input' events. Like
// React, it tracks the value with a setter on the element itself, so a script that sets
// `input.value = ...` and fires 'input' is not seen as a change (React compares the tracked value
// with the field's and drops the event); only the prototype's setter gets through.
(function () {
  "use strict";
  var state = { dx: "", renders: 0 };
  var app = document.getElementById("app");
  app.innerHTML =
    '<form><p><label for="cdx">Problem (ICD-10-CM)</label> ' +
    '<input id="cdx" name="cdx" data-codecard-picker="icd10cm"></p>' +
    '<p>State: <output id="state"></output> · renders: <output id="renders"></output></p>' +
    '<p><button type="button" id="rerender">Re-render</button></p></form>';
  var input = document.getElementById("cdx");
  var proto = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  var tracked = "";
  Object.defineProperty(input, "value", {
    configurable: true,
    get: function () { return proto.get.call(this); },
    set: function (v) { tracked = String(v); proto.set.call(this, v); },
  });
  function render() {
    state.renders++;
    if (input.value !== state.dx) input.value = state.dx;
    document.getElementById("state").textContent = JSON.stringify(state.dx);
    document.getElementById("renders").textContent = String(state.renders);
  }
  input.addEventListener("input", function () {
    var now = proto.get.call(input);
    if (now === tracked) return; // React's check: no change it did not already know of
    tracked = now;
    state.dx = now;
    render();
  });
  document.getElementById("rerender").addEventListener("click", render);
  render();
})();
