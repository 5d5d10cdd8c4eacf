// A small React app for reviewed.spec.js: React keeps references to the text nodes it rendered,
// then updates them in place (nodeValue) and removes them (parent.removeChild(textNode)).
import { useState } from "react";
import { createRoot } from "react-dom/client";

function App() {
  const [code, setCode] = useState("E11.9");
  const [shown, setShown] = useState(true);
  return (
    <div>
      <p id="dx">Diagnosis: {shown && code} confirmed</p>
      <button id="change" onClick={() => setCode("I10")}>change</button>
      <button id="hide" onClick={() => setShown(false)}>hide</button>
      <p id="alive">{shown ? "shown" : "hidden"}</p>
    </div>
  );
}

createRoot(document.getElementById("react-root")).render(<App />);
