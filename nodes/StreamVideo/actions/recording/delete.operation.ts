import { deleteFileOperation, recordingFiles } from '../../callFiles';

/** Delete a Recording: one file of one session, with an audit record. */
export const { description, execute } = deleteFileOperation(recordingFiles);
