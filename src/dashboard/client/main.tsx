import { render } from "preact";
import { App } from "./app";

const root = document.getElementById("app")!;
// The page's polite live region, outside the app so re-renders never replace it mid-sentence.
const announcer = Object.assign(document.createElement("div"), { id: "announcer", className: "visually-hidden" });
announcer.setAttribute("aria-live", "polite");
document.body.append(announcer);
root.replaceChildren();
render(<App />, root);
