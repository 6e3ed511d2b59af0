import { transcriptionFiles } from '../callFile/files';
import { callFileResource } from '../callFile/resource';

/** A call's transcriptions stored on Stream: the call-file resource (../callFile/), for transcriptions. */
export const { description, getMany, delete: deleteTranscription } = callFileResource(transcriptionFiles);
export { deleteTranscription as delete };
