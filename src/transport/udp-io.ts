// The names of the two UDP paths, apart from their code: the options table reads them without loading a transport.

export const UDP_IO_CHOICES = ['auto', 'native', 'dgram'] as const;
export type UdpIoChoice = (typeof UDP_IO_CHOICES)[number];
export type UdpIo = 'native' | 'dgram';
