import { getManyFilesOperation, recordingFiles } from '../../callFiles';

/** Get Many Recordings: every recording Stream stores for a call. */
export const { description, execute } = getManyFilesOperation(recordingFiles);
