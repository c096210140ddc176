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
    reportLeakedKeys: [];
    getMe: [["dashboardSession"]];
    listOrganizations: [["dashboardSession"]];
    createOrganization: [["dashboardSession"]];
    listMembers: [["dashboardSession"]];
    addMember: [["dashboardSession"]];
    changeMemberRole: [["dashboardSession"]];
    removeMember: [["dashboardSession"]];
    listAuditEvents: [["dashboardSession"]];
    listOrganizationProjects: [["dashboardSession"]];
    createProject: [["dashboardSession"]];
    getCredits: [["dashboardSession"]];
    grantCredits: [["dashboardSession"]];
    setCreditLowThreshold: [["dashboardSession"]];
    listProjects: [["dashboardSession"]];
    listApiKeys: [["dashboardSession"]];
    createApiKey: [["dashboardSession"]];
    renameApiKey: [["dashboardSession"]];
    revokeApiKey: [["dashboardSession"]];
    listWebhooks: [["dashboardSession"]];
    createWebhook: [["dashboardSession"]];
    updateWebhook: [["dashboardSession"]];
    deleteWebhook: [["dashboardSession"]];
    rotateWebhookSecret: [["dashboardSession"]];
    testWebhook: [["dashboardSession"]];
    listWebhookDeliveries: [["dashboardSession"]];
    retryWebhookDelivery: [["dashboardSession"]];
    rollApiKey: [["dashboardSession"]];
    listServiceAccounts: [["dashboardSession"]];
    createServiceAccount: [["dashboardSession"]];
    deleteServiceAccount: [["dashboardSession"]];
    listExpiringApiKeys: [["dashboardSession"]];
    getApiKeyUsage: [["dashboardSession"]];
    getProjectUsage: [["dashboardSession"]];
    getProject: [["apiKey"], ["dashboardSession"]];
    listJobs: [["apiKey"], ["dashboardSession"]];
    createJob: [["apiKey"], ["dashboardSession"]];
    getJob: [["apiKey"], ["dashboardSession"]];
    cancelJob: [["apiKey"], ["dashboardSession"]];
}
