import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { onSessionEnded } from "./api";
import { redirect, useRoute } from "./router";
import { currentPlace, href, type Route, returnTo } from "./routes";
import { resumeSession, signOut } from "./session";
import { Button } from "./ui/button";
import { focusHeadingNext } from "./ui/page-heading";
import { AuthPage } from "./views/auth-page";
import { Shell } from "./views/shell/shell";

type Phase = { kind: "starting" } | { kind: "unreachable" } | { kind: "signed-out"; notice?: string } | { kind: "signed-in" };

const isAuthRoute = (route: Route | null) => route?.name === "sign-in" || route?.name === "sign-up";

/**
 * Signed out, only the sign-in and sign-up forms show; any other address becomes
 * `#/sign-in?next=<that address>`, so a bookmark, a reload or an ended session comes back to
 * the same page after signing in.
 */
export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: "starting" });
  const route = useRoute();

  const start = () => {
    setPhase({ kind: "starting" });
    resumeSession().then(
      (resumed) => setPhase({ kind: resumed ? "signed-in" : "signed-out" }),
      () => setPhase({ kind: "unreachable" }),
    );
  };
  useEffect(start, []);
  useEffect(
    () =>
      onSessionEnded(() => {
        if (!isAuthRoute(route)) redirect(href("sign-in", {}, { next: currentPlace() }));
        setPhase({ kind: "signed-out", notice: "Your session has ended. Sign in again to continue." });
      }),
    [route],
  );

  const target =
    phase.kind === "signed-out" && !isAuthRoute(route)
      ? href("sign-in", {}, { next: route && route.name !== "home" ? currentPlace() : undefined })
      : phase.kind === "signed-in" && isAuthRoute(route)
        ? returnTo(route?.query.next)
        : null;
  useLayoutEffect(() => {
    if (target) redirect(target);
  }, [target]);

  if (phase.kind === "starting" || target) return <p class="boot">Loading the dashboard…</p>;
  if (phase.kind === "unreachable") {
    return (
      <main id="main" class="auth">
        <h1>The dashboard cannot reach the server</h1>
        <p>Check that the server is running and your connection works.</p>
        <Button onClick={start}>Try again</Button>
      </main>
    );
  }
  if (phase.kind === "signed-out" && route && isAuthRoute(route)) {
    return (
      <AuthPage
        mode={route.name === "sign-up" ? "sign-up" : "sign-in"}
        next={route.query.next}
        notice={phase.notice}
        onSignedIn={() => {
          focusHeadingNext();
          setPhase({ kind: "signed-in" });
        }}
      />
    );
  }
  if (!route) return null;
  return (
    <Shell
      route={route}
      onSignOut={async () => {
        await signOut().catch(() => {});
        redirect(href("sign-in", {}));
        setPhase({ kind: "signed-out", notice: "You are signed out." });
      }}
    />
  );
}
