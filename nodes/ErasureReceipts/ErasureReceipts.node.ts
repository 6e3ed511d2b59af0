import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { verifyingKeysFrom, verifyReceipts, type Comparison } from '../shared/receipts/verify';

/**
 * Checks stored erasure receipts inside n8n, for a data protection officer's scheduled self-check of the audit
 * table. A node of its own: it needs no provider credential (only published public keys) and judges all input
 * items together, since a run is complete only when all its receipts are there.
 */
export class ErasureReceipts implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Erasure Receipts',
		name: 'erasureReceipts',
		icon: { light: 'file:../../icons/erasureReceipt.svg', dark: 'file:../../icons/erasureReceipt.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Verify signed erasure receipts: every signature, every record, and that every run is complete',
		defaults: { name: 'Erasure Receipts' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Verify',
						value: 'verify',
						description: 'Check the receipts of the input items against published public keys',
						action: 'Verify erasure receipts',
					},
				],
				default: 'verify',
			},
			{
				displayName: 'Public Keys',
				name: 'publicKeys',
				type: 'string',
				typeOptions: { rows: 6 },
				required: true,
				default: '',
				placeholder: '-----BEGIN PUBLIC KEY-----…',
				description:
					'The published Ed25519 public keys (PEM) the receipts may be signed with, one after the other: keep retired keys here, receipts never expire',
			},
			{
				displayName: 'Items Are',
				name: 'comparison',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Table Rows',
						value: 'columns',
						description:
							'Rows of a data table or sheet with a "receipt" column: each column named like a signed field must show its value; other columns are not compared',
					},
					{
						name: 'Items as the Node Produced Them',
						value: 'exact',
						description: 'Every field shown must be the signed one, and none may be added',
					},
				],
				default: 'columns',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const keys = verifyingKeysFrom(String(this.getNodeParameter('publicKeys', 0, '')));
		if (keys.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No Ed25519 public key in Public Keys', {
				description: 'Paste the published key (-----BEGIN PUBLIC KEY----- …); "openssl pkey -in receipt-key.pem -pubout" prints it.',
			});
		}
		const comparison = this.getNodeParameter('comparison', 0, 'columns') as Comparison;
		const report = verifyReceipts(
			items.map((item) => item.json),
			keys,
			comparison,
		);
		const batches = new Map(report.batches.map((batch) => [batch.batch, batch]));
		return [
			report.items.map((verdict) => {
				const batch = verdict.batch === undefined ? undefined : batches.get(verdict.batch);
				const json: IDataObject = {
					valid: verdict.valid && batch !== undefined && batch.problems.length === 0,
					receiptValid: verdict.valid,
					problems: verdict.problems,
					batch: verdict.batch ?? null,
					seq: verdict.seq ?? null,
					size: verdict.size ?? null,
					kid: verdict.kid ?? null,
					runComplete: batch?.complete ?? false,
					runMissing: batch?.missing ?? [],
					runProblems: batch?.problems ?? [],
				};
				if (verdict.unsignedFields) json.unsignedFields = verdict.unsignedFields;
				return { json, pairedItem: { item: verdict.index } };
			}),
		];
	}
}
