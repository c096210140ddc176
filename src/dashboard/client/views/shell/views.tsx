import type { VNode } from "preact";
import type { ProjectRouteName, Route, SectionName } from "../../routes";
import { AuditLogPage } from "../audit/audit-log-page";
import { CreditsPage } from "../credits/credits-page";
import { JobPage } from "../jobs/job-page";
import { JobsPage } from "../jobs/jobs-page";
import { KeysPage } from "../keys/keys-page";
import { MembersPage } from "../members/members-page";
import { QuickStartPage } from "../quick-start-page";
import { ServiceAccountsPage } from "../service-accounts/service-accounts-page";
import { UsagePage } from "../usage/usage-page";
import { WebhookPage } from "../webhooks/webhook-page";
import { WebhooksPage } from "../webhooks/webhooks-page";
import { canManageMembers, type Organization, type ProjectContext } from "./app-data";

export type ViewProps<N extends ProjectRouteName> = { ctx: ProjectContext; route: Route<N> };

type View<N extends ProjectRouteName> = {
  /** The screen's name in the tab bar and the window title. */
  title: string;
  /** The tab this screen sits under (a job's page is under Jobs). */
  tab: SectionName;
  /** Who may open it; others are sent to the API keys tab. */
  allowed?: (organization: Organization) => boolean;
  render: (props: ViewProps<N>) => VNode;
};

/**
 * Every project screen: adding usage, webhooks or an audit log is one entry here (plus its route
 * in routes.ts). The compiler insists each project route has exactly one view.
 */
export const views: { [N in ProjectRouteName]: View<N> } = {
  keys: { title: "API keys", tab: "keys", render: (props) => <KeysPage {...props} /> },
  jobs: { title: "Jobs", tab: "jobs", render: (props) => <JobsPage {...props} /> },
  job: { title: "Job", tab: "jobs", render: (props) => <JobPage {...props} /> },
  credits: { title: "Credits", tab: "credits", render: (props) => <CreditsPage {...props} /> },
  members: { title: "Members", tab: "members", allowed: canManageMembers, render: (props) => <MembersPage {...props} /> },
  webhooks: { title: "Webhooks", tab: "webhooks", render: (props) => <WebhooksPage {...props} /> },
  webhook: { title: "Webhook", tab: "webhooks", render: (props) => <WebhookPage {...props} /> },
  "service-accounts": { title: "Service accounts", tab: "service-accounts", render: (props) => <ServiceAccountsPage {...props} /> },
  usage: { title: "Usage", tab: "usage", render: (props) => <UsagePage {...props} /> },
  audit: { title: "Audit log", tab: "audit", allowed: canManageMembers, render: (props) => <AuditLogPage {...props} /> },
  start: { title: "Quick start", tab: "start", render: (props) => <QuickStartPage {...props} /> },
};

/** The tab bar, in order. */
export const tabs: SectionName[] = ["keys", "service-accounts", "usage", "jobs", "credits", "members", "webhooks", "audit", "start"];
