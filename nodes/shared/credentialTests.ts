import { credentialTests as providerCredentialTests } from '../../credentials/credentialTests';
import { erasureReceiptKeyTest } from './receipts/credentialTest';

/** Every credential Test the nodes offer (named by `testedBy`): the providers' and the receipt signing key's. */
export const credentialTests = { ...providerCredentialTests, erasureReceiptKeyTest };
