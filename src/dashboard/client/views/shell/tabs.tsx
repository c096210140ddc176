import { href, type SectionName } from "../../routes";
import type { ProjectContext } from "./app-data";
import { tabs, views } from "./views";

/** The project's sections; the current one is marked for screen readers with aria-current. */
export function Tabs({ ctx, current }: { ctx: ProjectContext; current: SectionName }) {
  const shown = tabs.filter((name) => views[name].allowed?.(ctx.organization) ?? true);
  return (
    <nav class="tabs" aria-label="Project sections">
      <div class="tabs-inner wrap">
        {shown.map((name) => (
          <a key={name} href={href(name, { projectId: ctx.project.id })} aria-current={name === current ? "page" : undefined}>
            {views[name].title}
          </a>
        ))}
      </div>
    </nav>
  );
}
