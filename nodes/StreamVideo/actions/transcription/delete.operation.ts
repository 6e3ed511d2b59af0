import { deleteFileOperation, transcriptionFiles } from '../../callFiles';

/** Delete a Transcription: one file of one session, with an audit record. */
export const { description, execute } = deleteFileOperation(transcriptionFiles);
