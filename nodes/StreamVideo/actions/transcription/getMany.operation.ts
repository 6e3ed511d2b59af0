import { getManyFilesOperation, transcriptionFiles } from '../../callFiles';

/** Get Many Transcriptions: every transcription Stream stores for a call. */
export const { description, execute } = getManyFilesOperation(transcriptionFiles);
