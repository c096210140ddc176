// Generated from openapi.yaml by scripts/gen-operation-security.ts (`bun run gen`). Do not edit.

/** Each operation's `security`: the scheme names of every accepted alternative; `[]` needs no credentials. */
export interface operationSecurity {
    getHealth: [];
    getReady: [];
    getOpenApiYaml: [];
    getOpenApiJson: [];
    getSwaggerUi: [];
    getSwaggerAsset: [];
    getDashboard: [];
    getDashboardAsset: [];
    startDashboardSession: [];
    refreshDashboardSession: [];
    endDashboardSession: [];
    register: [];
    login: [];
    refresh: [];
    logout: [];
    getMe: [["dashboardSession"]];
    listOrganizations: [["dashboardSession"]];
    createOrganization: [["dashboardSession"]];
    listMembers: [["dashboardSession"]];
    addMember: [["dashboardSession"]];
    removeMember: [["dashboardSession"]];
    listOrganizationProjects: [["dashboardSession"]];
    createProject: [["dashboardSession"]];
    getCredits: [["dashboardSession"]];
    grantCredits: [["dashboardSession"]];
    listProjects: [["dashboardSession"]];
    listApiKeys: [["dashboardSession"]];
    createApiKey: [["dashboardSession"]];
    renameApiKey: [["dashboardSession"]];
    revokeApiKey: [["dashboardSession"]];
    getProject: [["apiKey"], ["dashboardSession"]];
    listJobs: [["apiKey"], ["dashboardSession"]];
    createJob: [["apiKey"], ["dashboardSession"]];
    getJob: [["apiKey"], ["dashboardSession"]];
    cancelJob: [["apiKey"], ["dashboardSession"]];
    createJobBatch: [["apiKey"], ["dashboardSession"]];
    getJobBatch: [["apiKey"], ["dashboardSession"]];
}
