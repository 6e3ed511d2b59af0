import { getManyFilesOperation } from '../callFile/getManyFiles';
import { recordingFiles } from '../callFile/files';

/** Get Many Recordings: every recording Stream stores for a call. */
export const { description, execute } = getManyFilesOperation(recordingFiles);
