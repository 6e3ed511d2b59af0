/**
 * Token authority, Graph host and tenant rules for Microsoft's clouds, shared by the credential (token, test)
 * and the Microsoft Graph Calls node.
 */

/** Token authority and Graph host per Microsoft cloud; tokens do not cross clouds. */
export const GRAPH_CLOUDS: Record<string, { authorityUrl: string; graphUrl: string }> = {
	global: { authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
	usGovL4: { authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us' },
	usGovL5Dod: { authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us' },
};

export interface GraphEndpoints {
	authorityUrl: string;
	graphUrl: string;
	/** The app-only scope: `<graph host>/.default`, or, for a custom cloud, the credential's Scope when set. */
	scope: string;
}

const trimSlashes = (url: unknown) =>
	String(url ?? '')
		.trim()
		.replace(/\/+$/, '');

export function graphEndpoints(credentials: Record<string, unknown>): GraphEndpoints {
	const cloud = String(credentials.cloud ?? 'global');
	const known = GRAPH_CLOUDS[cloud];
	const authorityUrl = known ? known.authorityUrl : trimSlashes(credentials.authorityUrl);
	const graphUrl = known ? known.graphUrl : trimSlashes(credentials.graphUrl);
	// Entra accepts only a resource it knows: a proxy's URL is none, so a custom cloud may name the scope itself.
	const customScope = known ? '' : String(credentials.scope ?? '').trim();
	return { authorityUrl, graphUrl, scope: customScope || `${graphUrl}/.default` };
}

/** A directory (tenant) id is a GUID or a verified domain such as contoso.onmicrosoft.com. */
export const TENANT_ID_PATTERN =
	/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

/** Why a tenant ID cannot be used, or undefined when it can. */
export function tenantIdProblem(tenantId: string): string | undefined {
	return TENANT_ID_PATTERN.test(tenantId)
		? undefined
		: `Tenant ID "${tenantId}" is not valid: use the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com`;
}

/** Plain-language meanings of the Entra ID (AADSTS) errors users meet with client credentials. */
const AADSTS_MEANINGS: Array<[RegExp, string]> = [
	[/AADSTS7000215/, 'The client secret is wrong. Use the secret VALUE from Certificates & secrets, not its ID.'],
	[/AADSTS7000222/, 'The client secret has expired. Create a new one under Certificates & secrets.'],
	[/AADSTS700016/, 'No application with this Client ID exists in the tenant. Check the Application (client) ID.'],
	[/AADSTS90002|AADSTS900023/, 'The tenant was not found. Check the Directory (tenant) ID.'],
	[
		/AADSTS65001|AADSTS7000229|consent/i,
		'The application lacks admin consent. Grant admin consent for Calls.Initiate.All under API permissions.',
	],
	[/AADSTS1002012|AADSTS70011/, 'The requested scope is not valid for this cloud. Check the Cloud setting.'],
];

export function explainTokenError(body: Record<string, unknown>, status: number): string {
	const description = String(body.error_description ?? body.error ?? `HTTP ${status}`);
	const firstLine = description.split(/\r?\n/)[0];
	const meaning = AADSTS_MEANINGS.find(([pattern]) => pattern.test(description))?.[1];
	return meaning ? `${meaning} (${firstLine})` : `Could not get a Microsoft Graph token: ${firstLine}`;
}
